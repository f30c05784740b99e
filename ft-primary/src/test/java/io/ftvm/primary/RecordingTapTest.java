package io.ftvm.primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.guests.GuestImages;
import io.ftvm.replication.Messages;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.EventCodec;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tap's state machine on synthetic entries: what is written, what a copy adds, bounds, off, close. */
class RecordingTapTest {
    @TempDir
    Path dir;

    private Machine machine;

    @BeforeEach
    void load() throws Exception {
        machine = new Machine(MachineConfig.defaults().withRam(2L << 20), OutputSink.DISCARD);
        machine.load(ElfImage.parse("hello", GuestImages.bytes("hello")));
    }

    private RecordingFile.Contents read(byte[] bytes) throws Exception {
        Path p = Files.createTempFile(dir, "c", ".ftrec");
        Files.write(p, bytes);
        return RecordingFile.read(p);
    }

    @Test
    void horizonsAreNotWrittenButTheLatestClosesEachCopy() throws Exception {
        try (RecordingTap tap = new RecordingTap(RecordingSettings.under(dir), "vm")) {
            tap.beginFromMachine(machine);
            tap.append(new Event.Digest(0, 7));
            tap.append(new Event.Horizon(100));
            tap.append(new Event.ConsoleInput(100, new byte[] {'x'}));
            tap.append(new Event.Horizon(250));
            long onDisk = Files.size(tap.status().file());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordingCopy copy = tap.copyTo(out);
            assertThat(copy).isEqualTo(new RecordingCopy(onDisk + 17, 0, 250, false, null));
            RecordingFile.Contents c = read(out.toByteArray());
            assertThat(c.events()).containsExactly(new Event.Digest(0, 7),
                    new Event.ConsoleInput(100, new byte[] {'x'}), new Event.Horizon(250));
            assertThat(c.header().startsFromSnapshot()).isTrue();
            assertThat(c.header().imageName()).isEqualTo("vm");
            assertThat(SnapshotFile.read(c.header().openStartSnapshot(), OutputSink.DISCARD).digest())
                    .isEqualTo(machine.digest());
            assertThat(read(Files.readAllBytes(tap.status().file())).events()).hasSize(2);
        }
    }

    @Test
    void aBackupsTapStartsFromItsSnapshotFileAndTakesOnlyVmEvents() throws Exception {
        machine.runUntil(300);
        Path snap = dir.resolve("join.snapshot");
        try (OutputStream o = Files.newOutputStream(snap)) {
            SnapshotFile.write(machine, o);
        }
        try (RecordingTap tap = new RecordingTap(RecordingSettings.under(dir.resolve("r")), "vm")) {
            tap.beginFromSnapshot(snap, machine.icount());
            Files.delete(snap); // the backup deletes it once restored: the tap holds its own copy
            tap.appendShipped(new Messages.Entry(machine.icount(), ShippingEventLog.KIND_INPUT_BASE, new byte[8]));
            Event d = new Event.Digest(machine.icount() + 5, 1);
            tap.appendShipped(new Messages.Entry(d.icount(), ShippingEventLog.KIND_VMM_EVENT, EventCodec.encode(d)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordingCopy copy = tap.copyTo(out);
            assertThat(copy.firstIcount()).isEqualTo(machine.icount());
            assertThat(read(out.toByteArray()).events()).containsExactly(d);
        }
    }

    @Test
    void pastTheBoundTheTapStopsAndCopiesEndWhereItStopped() throws Exception {
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        SnapshotFile.write(machine, snap);
        long bound = snap.size() + 48 + 2 + 3 * 25; // the header (name "vm"), then room for three digests
        try (RecordingTap tap = new RecordingTap(RecordingSettings.under(dir).withMaxBytes(bound), "vm")) {
            tap.beginFromMachine(machine);
            for (int i = 0; i < 10; i++) {
                tap.append(new Event.Horizon(i * 10L));
                tap.append(new Event.Digest(i * 10L, i));
            }
            assertThat(tap.state()).isEqualTo(RecordingTap.State.STOPPED);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordingCopy copy = tap.copyTo(out);
            assertThat(copy.truncated()).isTrue();
            assertThat(copy.reason()).contains("size bound").contains("at icount 30");
            // Horizon(30) came before the digest that did not fit: everything before 30 is in; 40 is not.
            assertThat(copy.lastIcount()).as("no horizon taken after the tap stopped").isEqualTo(30);
            assertThat(read(out.toByteArray()).events()).hasSize(3 + 1);
            assertThat(Files.size(tap.status().file())).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void withoutARecordingCopiesAreRefusedWithTheReason() throws Exception {
        RecordingTap off = new RecordingTap(RecordingSettings.off(), "vm");
        off.beginFromMachine(machine);
        off.append(new Event.Digest(0, 1));
        assertThatThrownBy(() -> off.copyTo(new ByteArrayOutputStream()))
                .isInstanceOf(RecordingUnavailableException.class).hasMessageContaining("off in the settings");

        RecordingTap small = new RecordingTap(RecordingSettings.under(dir).withMaxBytes(4096), "vm");
        small.beginFromMachine(machine);
        assertThat(small.state()).isEqualTo(RecordingTap.State.OFF);
        assertThatThrownBy(() -> small.copyTo(new ByteArrayOutputStream()))
                .hasMessageContaining("does not fit the recording bound of 4096 bytes");

        RecordingTap fresh = new RecordingTap(RecordingSettings.under(dir), "vm");
        assertThatThrownBy(() -> fresh.copyTo(new ByteArrayOutputStream())).hasMessageContaining("not started");

        RecordingTap closed = new RecordingTap(RecordingSettings.under(dir.resolve("c")), "vm");
        closed.beginFromMachine(machine);
        Path file = closed.status().file();
        assertThat(file).exists();
        closed.close();
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> closed.copyTo(new ByteArrayOutputStream())).hasMessageContaining("closed");
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".ftrec")).toList()).isEmpty();
        }
    }

    @Test
    void twoRecordingsOfOneVmGetTheirOwnFiles() throws Exception {
        try (RecordingTap a = new RecordingTap(RecordingSettings.under(dir), "vm/../x");
                RecordingTap b = new RecordingTap(RecordingSettings.under(dir), "vm/../x")) {
            a.beginFromMachine(machine);
            b.beginFromMachine(machine);
            assertThat(List.of(a.status().file().getParent(), b.status().file().getParent())).containsOnly(dir);
            assertThat(a.status().file()).isNotEqualTo(b.status().file());
        }
    }
}
