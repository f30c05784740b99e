package io.ftvm.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.guests.GuestImages;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.board.RunResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Snapshots: a machine saved at a random point and restored continues exactly like the original (same console
 * output, count and final digest); damaged, truncated and foreign snapshots are refused.
 */
class SnapshotFileTest {
    private static final MachineConfig CONFIG = MachineConfig.defaults().withRam(16L << 20);

    private static Machine cpubench(StringBuilder out) throws Exception {
        Machine m = new Machine(CONFIG, (icount, offset, b) -> out.append((char) b));
        m.load(ElfImage.parse("cpubench", GuestImages.bytes("cpubench")));
        return m;
    }

    private static byte[] save(Machine m) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotFile.write(m, bytes);
        return bytes.toByteArray();
    }

    @Test
    void restoredMachineContinuesExactlyLikeTheOriginal() throws Exception {
        Random r = new Random(42);
        for (int trial = 0; trial < 3; trial++) {
            long at = 1_000_000 + r.nextInt(30_000_000);
            StringBuilder outA = new StringBuilder();
            Machine a = cpubench(outA);
            a.runUntil(at);
            byte[] snap = save(a);
            long digestAtSnapshot = a.digest();

            StringBuilder outB = new StringBuilder(outA);
            Machine b = SnapshotFile.read(new ByteArrayInputStream(snap), (ic, off, v) -> outB.append((char) v));
            assertThat(b.icount()).isEqualTo(at);
            assertThat(b.digest()).isEqualTo(digestAtSnapshot);
            assertThat(b.consoleOffset()).isEqualTo(a.consoleOffset());

            RunResult ra = a.runUntil(Long.MAX_VALUE);
            RunResult rb = b.runUntil(Long.MAX_VALUE);
            assertThat(rb).isEqualTo(ra);
            assertThat(outB.toString()).isEqualTo(outA.toString());
            assertThat(b.digest()).isEqualTo(a.digest());
        }
    }

    /**
     * The privileged guest pages, faults and changes PTEs: restoring at any point must keep even stale TLB
     * entries, so the rest of the run (output and final state) is exactly the original's.
     */
    @Test
    void restoringAPagingGuestAnywhereKeepsItsTranslations() throws Exception {
        StringBuilder reference = new StringBuilder();
        Machine whole = new Machine(CONFIG, (icount, offset, b) -> reference.append((char) b));
        whole.load(ElfImage.parse("priv", GuestImages.bytes("priv")));
        RunResult end = whole.runUntil(Long.MAX_VALUE);
        assertThat(end.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        Random r = new Random(7);
        for (int trial = 0; trial < 12; trial++) {
            long at = 1 + r.nextInt((int) end.icount() - 1);
            StringBuilder out = new StringBuilder();
            Machine a = new Machine(CONFIG, (icount, offset, b) -> out.append((char) b));
            a.load(ElfImage.parse("priv", GuestImages.bytes("priv")));
            a.runUntil(at);
            Machine b = SnapshotFile.read(new ByteArrayInputStream(save(a)), (ic, off, v) -> out.append((char) v));
            RunResult rb = b.runUntil(Long.MAX_VALUE);
            assertThat(rb).as("restored at %d", at).isEqualTo(end);
            assertThat(out.toString()).isEqualTo(reference.toString());
            assertThat(b.digest()).isEqualTo(whole.digest());
        }
    }

    @Test
    void damagedSnapshotsAreRefused() throws Exception {
        Machine m = cpubench(new StringBuilder());
        m.runUntil(100_000);
        byte[] snap = save(m);
        for (int pos : new int[] {20, 300, snap.length / 2, snap.length - 5}) {
            byte[] bad = snap.clone();
            bad[pos] ^= 0x40;
            assertThatThrownBy(() -> SnapshotFile.read(new ByteArrayInputStream(bad), OutputSink.DISCARD))
                    .as("flip at %d", pos).isInstanceOf(SnapshotException.class);
        }
        byte[] truncated = java.util.Arrays.copyOf(snap, snap.length - 100);
        assertThatThrownBy(() -> SnapshotFile.read(new ByteArrayInputStream(truncated), OutputSink.DISCARD))
                .hasMessageContaining("truncated");
        byte[] v4 = snap.clone();
        v4[9] = 4;
        assertThatThrownBy(() -> SnapshotFile.read(new ByteArrayInputStream(v4), OutputSink.DISCARD))
                .hasMessageContaining("version 4.0 is not supported");
        assertThatThrownBy(() -> SnapshotFile.read(new ByteArrayInputStream("FTVMREC1 not a snapshot".getBytes()),
                OutputSink.DISCARD)).hasMessageContaining("bad magic");
    }

    @Test
    void aVersionOneSnapshotWithoutFloatingPointStateOrPlicIsReadAsTheirResetState() throws Exception {
        Machine m = cpubench(new StringBuilder());
        m.runUntil(50_000);
        byte[] v3 = save(m);
        // Version 1 is version 3 without the firmware byte after the configuration, without the F/D block (32
        // registers and fcsr after the TLB), and without the PLIC and SBI blocks after the RTC.
        int firmware = 8 + 2 + 2 + 16;
        java.io.ByteArrayOutputStream noFirmware = new java.io.ByteArrayOutputStream();
        noFirmware.write(v3, 0, firmware);
        noFirmware.write(v3, firmware + 2, v3.length - firmware - 2); // firmware byte, no virtio devices
        byte[] v2 = noFirmware.toByteArray();
        int fpBlock = 8 + 2 + 2 + 16 + 31 * 8 + 8 + 4 + 8 + 1 + 4 + io.ftvm.vmm.cpu.HartState.csrCount() * 8 + 16 + 4
                + io.ftvm.vmm.cpu.HartState.tlbEntries() * 16;
        // ... and without the PLIC block after the RTC (UART: FIFO length, FIFO, 1 + 7 * 4 + 1; CLINT 16; RTC 27).
        int uart = fpBlock + 33 * 8;
        int plicBlock = uart + 4 + java.nio.ByteBuffer.wrap(v2, uart, 4).getInt() + 1 + 7 * 4 + 1 + 16 + 27;
        int plicSize = 96 * 2 + 2 * 3 * 4 + 2 + 8;
        java.io.ByteArrayOutputStream v1 = new java.io.ByteArrayOutputStream();
        v1.write(v2, 0, fpBlock);
        v1.write(v2, uart, plicBlock - uart);
        v1.write(v2, plicBlock + plicSize, v2.length - 4 - plicBlock - plicSize);
        byte[] body = v1.toByteArray();
        body[9] = 1;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        v1.reset();
        v1.write(body);
        v1.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        Machine old = SnapshotFile.read(new ByteArrayInputStream(v1.toByteArray()), OutputSink.DISCARD);
        assertThat(old.digest()).isEqualTo(m.digest());
        assertThat(old.cpu().fpRegister(0)).isZero();
    }

    @Test
    void dirtyPagesAreTrackedSinceTheMark() throws Exception {
        Machine m = cpubench(new StringBuilder());
        m.runUntil(2_000_000);
        m.ram().clearDirty();
        assertThat(m.ram().dirtyPageCount()).isZero();
        m.digest(); // draining for the digest must not lose the snapshot mark
        m.runUntil(4_000_000);
        m.digest();
        int dirty = m.ram().dirtyPageCount();
        assertThat(dirty).isPositive().isLessThan(m.ram().size() / 4096);
    }
}
