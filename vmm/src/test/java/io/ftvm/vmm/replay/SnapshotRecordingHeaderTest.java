package io.ftvm.vmm.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.guests.GuestImages;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 1.1: a recording that starts from a snapshot. Round trip (also through the streaming writer, byte for
 * byte), boot recordings still written as 1.0, and every way the snapshot section can be damaged is refused with a
 * message that says so, never misread.
 */
class SnapshotRecordingHeaderTest {
    private static byte[] snapshot;
    private static long snapshotIcount;
    private static final List<Event> EVENTS = List.of(new Event.Digest(5_000, 42), new Event.IdleAdvance(6_000, 7),
            new Event.ConsoleInput(6_000, new byte[] {'a', '\n'}), new Event.PowerOff(9_000, 0));

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSnapshot() throws Exception {
        Machine m = new Machine(MachineConfig.defaults().withRam(4L << 20), OutputSink.DISCARD);
        m.load(ElfImage.parse("hello", GuestImages.bytes("hello")));
        m.runUntil(5_000);
        snapshotIcount = m.icount();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotFile.write(m, out);
        snapshot = out.toByteArray();
    }

    private Path write(RecordingHeader h) throws Exception {
        Path p = tmp.resolve("s.rec");
        try (RecordingFile.Writer w = RecordingFile.create(p, h)) {
            for (Event e : EVENTS) {
                w.append(e);
            }
        }
        return p;
    }

    private static int headerLength(byte[] file) {
        return 16 + ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12) + 4;
    }

    /** Rewrites the header checksum so a change inside the body reaches the snapshot checks. */
    private static void resealHeader(byte[] file) {
        int len = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(16 + len, RecordingFile.crc(file, 16, len));
    }

    @Test
    void aSnapshotRecordingRoundTripsAsVersion11() throws Exception {
        RecordingHeader h = RecordingHeader.fromSnapshot("vm-1", snapshot);
        assertThat(h.ramBytes()).isEqualTo(4L << 20);
        Path p = write(h);
        byte[] bytes = Files.readAllBytes(p);
        assertThat(bytes[10]).as("minor version").isEqualTo((byte) 1);
        RecordingFile.Contents c = RecordingFile.read(p);
        assertThat(c.header().startsFromSnapshot()).isTrue();
        assertThat(c.header().startSnapshot()).isEqualTo(snapshot);
        assertThat(c.header().imageName()).isEqualTo("vm-1");
        assertThat(c.header().image()).isEmpty();
        assertThat(c.events()).isEqualTo(EVENTS);
        Machine restored = SnapshotFile.read(c.header().openStartSnapshot(), OutputSink.DISCARD);
        assertThat(restored.icount()).isEqualTo(snapshotIcount).isPositive();
    }

    @Test
    void bootRecordingsAreStillVersion10() throws Exception {
        Path p = write(new RecordingHeader(1L << 20, 10, "x.elf", new byte[] {1, 2, 3}));
        assertThat(Files.readAllBytes(p)[10]).isZero();
        RecordingFile.Contents c = RecordingFile.read(p);
        assertThat(c.header().startsFromSnapshot()).isFalse();
        assertThat(c.header().image()).containsExactly(1, 2, 3);
    }

    @Test
    void theStreamingWriterWritesTheSameBytes() throws Exception {
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        long n = RecordingFile.writeSnapshotHeader(Channels.newChannel(streamed), "vm-1",
                new ByteArrayInputStream(snapshot), snapshot.length);
        byte[] expected = RecordingFile.encodeHeader(RecordingHeader.fromSnapshot("vm-1", snapshot));
        assertThat(streamed.toByteArray()).isEqualTo(expected);
        assertThat(n).isEqualTo(expected.length);
    }

    @Test
    void theStreamingWriterRefusesDamagedOrShortSnapshots() {
        byte[] damaged = snapshot.clone();
        damaged[damaged.length / 2] ^= 0x40;
        assertThatThrownBy(() -> RecordingFile.writeSnapshotHeader(Channels.newChannel(new ByteArrayOutputStream()),
                "vm", new ByteArrayInputStream(damaged), damaged.length))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("checksum mismatch");
        byte[] shortOne = Arrays.copyOf(snapshot, snapshot.length - 100);
        assertThatThrownBy(() -> RecordingFile.writeSnapshotHeader(Channels.newChannel(new ByteArrayOutputStream()),
                "vm", new ByteArrayInputStream(shortOne), snapshot.length))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> RecordingHeader.fromSnapshot("vm", shortOne))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("checksum");
        assertThatThrownBy(() -> RecordingHeader.fromSnapshot("vm", "not a snapshot at all, really not".getBytes()))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("bad magic");
    }

    @Test
    void aDamagedSnapshotSectionIsRefused() throws Exception {
        byte[] full = Files.readAllBytes(write(RecordingHeader.fromSnapshot("vm-1", snapshot)));
        int headerEnd = headerLength(full);
        Path p = tmp.resolve("bad.rec");

        byte[] flipped = full.clone();
        flipped[headerEnd - 4 - snapshot.length / 2] ^= 0x08; // inside the snapshot
        Files.write(p, flipped);
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("header checksum mismatch");
        resealHeader(flipped); // the header's own checksum passes: the snapshot's must catch it
        Files.write(p, flipped);
        assertThatThrownBy(() -> RecordingFile.read(p)).isInstanceOf(RecordingException.class)
                .hasMessageContaining("start snapshot is unusable").hasMessageContaining("checksum mismatch");

        byte[] foreignMachine = full.clone(); // header says 4 MiB, the snapshot 8 MiB
        int ramAt = 16;
        ByteBuffer.wrap(foreignMachine).order(ByteOrder.LITTLE_ENDIAN).putLong(ramAt, 8L << 20);
        resealHeader(foreignMachine);
        Files.write(p, foreignMachine);
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("differs from the header");

        byte[] badLength = full.clone(); // snapshot length one byte longer than what the header holds
        int snapLenAt = headerEnd - 4 - snapshot.length - 4;
        ByteBuffer.wrap(badLength).order(ByteOrder.LITTLE_ENDIAN).putInt(snapLenAt, snapshot.length + 1);
        resealHeader(badLength);
        Files.write(p, badLength);
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("header snapshot length");
    }

    @Test
    void everyCutInsideTheHeaderIsRefusedAndEveryCutAfterItIsATornTail() throws Exception {
        byte[] full = Files.readAllBytes(write(RecordingHeader.fromSnapshot("vm-1", snapshot)));
        int headerEnd = headerLength(full);
        Path p = tmp.resolve("cut.rec");
        int step = Math.max(1, headerEnd / 500);
        for (int cut = 0; cut < headerEnd; cut += step) {
            Files.write(p, Arrays.copyOf(full, cut));
            assertThatThrownBy(() -> RecordingFile.read(p)).as("cut at %d", cut)
                    .isInstanceOf(RecordingException.class)
                    .hasMessageMatching(".*(too short|truncated or damaged header).*");
        }
        for (int cut = headerEnd; cut < full.length; cut++) {
            Files.write(p, Arrays.copyOf(full, cut));
            RecordingFile.Contents c = RecordingFile.read(p);
            assertThat(c.header().startSnapshot()).isEqualTo(snapshot);
            assertThat(c.events()).isEqualTo(EVENTS.subList(0, c.events().size()));
            assertThat(c.events().size() < EVENTS.size() || c.tornTailBytes() == 0).isTrue();
        }
    }
}
