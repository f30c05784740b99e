package io.ftvm.vmm.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.replay.RecordingHeader;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ftvm replay} of a recording that starts from a snapshot: a kvstore session recorded from boot is cut in
 * the middle, the machine's state there becomes the start snapshot, and replaying the rest prints exactly the
 * output from there on and ends at the same icount and digest as the whole recording; a damaged start snapshot is
 * refused.
 */
class FtvmReplayFromSnapshotTest extends CapturedStdStreams {
    @TempDir
    Path tmp;

    @Test
    void aRecordingStartingFromASnapshotReplaysTheRestExactly() throws Exception {
        Path image = FtvmRunCommandTest.committedImage("kvstore", tmp);
        Path full = tmp.resolve("kv.rec");
        assertThat(Ftvm.execute("run", "--record", full.toString(), "--input", "../guests/sessions/kvstore.txt",
                image.toString())).isZero();
        String expected = stdout();
        resetCaptured();
        assertThat(Ftvm.execute("replay", full.toString())).isZero();
        String fullSummary = stderr().lines().filter(l -> l.contains("digests verified")).findFirst().orElseThrow();
        resetCaptured();

        // Replay the first half of the entries, snapshot there, and write the rest after a snapshot header.
        RecordingFile.Contents rec = RecordingFile.read(full);
        List<Event> events = rec.events();
        int half = events.size() / 2;
        MemoryEventLog firstHalf = new MemoryEventLog();
        for (Event e : events.subList(0, half)) {
            firstHalf.append(e);
        }
        firstHalf.close();
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        Machine m = new Machine(new MachineConfig(rec.header().ramBytes(), rec.header().instructionsPerTick()),
                (icount, offset, b) -> before.write(b));
        m.load(ElfImage.parse("kvstore", Files.readAllBytes(image)));
        new ReplayDriver(m, firstHalf).run(Long.MAX_VALUE, 0);
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        SnapshotFile.write(m, snap);
        Path fromSnapshot = tmp.resolve("kv-from-snapshot.rec");
        try (RecordingFile.Writer w = RecordingFile.create(fromSnapshot,
                RecordingHeader.fromSnapshot("kv", snap.toByteArray()))) {
            for (Event e : events.subList(half, events.size())) {
                w.append(e);
            }
        }

        assertThat(Ftvm.execute("replay", fromSnapshot.toString())).isZero();
        String head = before.toString(StandardCharsets.ISO_8859_1);
        assertThat(expected).startsWith(head);
        assertThat(stdout()).isEqualTo(expected.substring(head.length()));
        assertThat(stderr()).contains("starting from a snapshot at icount " + m.icount());
        String summary = stderr().lines().filter(l -> l.contains("digests verified")).findFirst().orElseThrow();
        assertThat(summary.replaceAll(", \\d+ digests verified", ""))
                .isEqualTo(fullSummary.replaceAll(", \\d+ digests verified", ""));

        // The same file with one bit of its snapshot flipped (header checksum repaired) is refused, not replayed.
        byte[] bytes = Files.readAllBytes(fromSnapshot);
        int len = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12);
        bytes[16 + len - 100] ^= 1;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 16, len);
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16 + len, (int) crc.getValue());
        Files.write(fromSnapshot, bytes);
        resetCaptured();
        assertThat(Ftvm.execute("replay", fromSnapshot.toString())).isEqualTo(3);
        assertThat(stderr()).contains("start snapshot is unusable");
        assertThat(stdout()).isEmpty();
    }
}
