package io.ftvm.vmm.devices.clint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CLINT register slices (SiFive layout): msip at 0x0, mtimecmp at 0x4000, mtime at 0xBFF8, 32/64-bit access. */
class ClintTest {
    private long now = 0x1122_3344_5566_7788L;
    private final Clint clint = new Clint(new Clint.VirtualClock() {
        @Override
        public long now() {
            return now;
        }

        @Override
        public void set(long ticks) {
            now = ticks;
        }
    });

    @Test
    void mtimecmpWrittenAsTwoThirtyTwoBitHalves() {
        clint.write(0x4000, 4, 0xaabb_ccddL);
        clint.write(0x4004, 4, 0x0000_0001L);
        assertThat(clint.mtimecmp()).isEqualTo(0x1_aabb_ccddL);
        assertThat(clint.read(0x4000, 8)).isEqualTo(0x1_aabb_ccddL);
        assertThat(clint.read(0x4000, 4)).isEqualTo(0xaabb_ccddL);
        assertThat(clint.read(0x4004, 4)).isEqualTo(1L);
    }

    @Test
    void highHalfWriteKeepsLowHalf() {
        clint.write(0x4000, 8, 0x1234_5678_9abc_def0L);
        clint.write(0x4004, 4, 0xffff_ffffL);
        assertThat(clint.mtimecmp()).isEqualTo(0xffff_ffff_9abc_def0L);
        clint.write(0x4000, 4, 0);
        assertThat(clint.mtimecmp()).isEqualTo(0xffff_ffff_0000_0000L);
    }

    @Test
    void mtimeReadsTheClockInSlices() {
        assertThat(clint.read(0xbff8, 8)).isEqualTo(now);
        assertThat(clint.read(0xbff8, 4)).isEqualTo(0x5566_7788L);
        assertThat(clint.read(0xbffc, 4)).isEqualTo(0x1122_3344L);
    }

    @Test
    void mtimeWritesSetTheClock() {
        clint.write(0xbff8, 8, 500);
        assertThat(now).isEqualTo(500);
        clint.write(0xbffc, 4, 2);
        assertThat(now).isEqualTo((2L << 32) | 500);
    }

    @Test
    void msipHasOneWritableBit() {
        assertThat(clint.softwareInterruptPending()).isFalse();
        clint.write(0, 4, 0xffff_ffffL);
        assertThat(clint.softwareInterruptPending()).isTrue();
        assertThat(clint.read(0, 4)).isEqualTo(1);
        clint.write(0, 4, 2);
        assertThat(clint.softwareInterruptPending()).isFalse();
    }
}
