package io.ftvm.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.vmm.memory.Ram;
import org.junit.jupiter.api.Test;

/** ElfLoader fits images into RAM all-or-nothing; MachineConfig rejects bad RAM sizes naming the value. */
class ElfLoaderAndConfigTest {
    private static final long RAM = 0x8000_0000L;

    @Test
    void loadsSegmentsAndZeroFillsBss() throws Exception {
        Ram ram = new Ram(RAM, 1 << 20);
        ram.write(0x10, 8, -1L);
        ElfImage image = ElfImage.parse("t", new ElfWriter().segment(RAM, new byte[] {1, 2, 3, 4}, 0x20).build());
        ElfLoader.load(image, ram);
        assertThat(ram.read(0, 4)).isEqualTo(0x0403_0201L);
        assertThat(ram.read(0x10, 8)).as("memsz beyond filesz is zeroed").isZero();
    }

    @Test
    void segmentOutsideRamIsRejectedAndNothingIsLoaded() throws Exception {
        Ram ram = new Ram(RAM, 1 << 20);
        byte[] bytes = new ElfWriter().segment(RAM, new byte[] {1, 2, 3, 4}, 4)
                .segment(RAM + (1 << 20) - 4, new byte[] {5, 6, 7, 8, 9}, 8).build();
        ElfImage image = ElfImage.parse("two.elf", bytes);
        assertThatThrownBy(() -> ElfLoader.load(image, ram))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContainingAll("two.elf", "0x800ffffc", "outside RAM");
        assertThat(ram.read(0, 4)).as("first segment not loaded either").isZero();
        assertThat(ram.dirtyPageCount()).isZero();
    }

    @Test
    void segmentBelowRamIsRejected() throws Exception {
        Ram ram = new Ram(RAM, 1 << 20);
        ElfImage image = ElfImage.parse("low.elf",
                new ElfWriter().entry(0x1000).segment(0x1000, new byte[] {1, 2}, 2).build());
        assertThatThrownBy(() -> ElfLoader.load(image, ram)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("outside RAM");
    }

    @Test
    void machineLoadPointsTheHartAtTheEntry() throws Exception {
        Machine machine = new Machine(new MachineConfig(1 << 20, 10), OutputSink.DISCARD);
        ElfImage image = ElfImage.parse("t", new ElfWriter().entry(RAM + 4)
                .segment(RAM, new byte[] {0x13, 0, 0, 0, 0x13, 0x05, 0x50, 0x00}, 8).build()); // nop; li a0, 5
        machine.load(image);
        machine.runUntil(1);
        assertThat(machine.cpu().register(10)).isEqualTo(5);
        assertThat(machine.cpu().pc()).isEqualTo(RAM + 8);
    }

    @Test
    void ramSizeOutOfRange() {
        assertThatThrownBy(() -> new MachineConfig(512 * 1024, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("524288");
        assertThatThrownBy(() -> MachineConfig.defaults().withRam(2L << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(2L << 30));
        assertThatThrownBy(() -> MachineConfig.defaults().withRam(-4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-4096");
    }

    @Test
    void ramSizeNotPageAligned() {
        long size = (16L << 20) + 100;
        assertThatThrownBy(() -> MachineConfig.defaults().withRam(size))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(size))
                .hasMessageContaining("4 KiB");
    }

    @Test
    void boundariesAreAccepted() {
        assertThat(MachineConfig.defaults().withRam(MachineConfig.MIN_RAM).ramBytes()).isEqualTo(1L << 20);
        assertThat(MachineConfig.defaults().withRam(MachineConfig.MAX_RAM).ramBytes()).isEqualTo(1L << 30);
        assertThat(MachineConfig.defaults().ramBytes()).isEqualTo(128L << 20);
    }

    @Test
    void instructionsPerTickOutOfRange() {
        assertThatThrownBy(() -> new MachineConfig(1 << 20, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instructionsPerTick 0");
    }
}
