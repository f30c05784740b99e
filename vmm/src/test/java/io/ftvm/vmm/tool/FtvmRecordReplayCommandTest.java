package io.ftvm.vmm.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.replay.RecordingHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ftvm run --record/--input} and {@code ftvm replay}: round trip, --to, damaged recordings, divergence. */
class FtvmRecordReplayCommandTest extends CapturedStdStreams {
    @TempDir
    Path tmp;

    private Path session() {
        return Path.of("../guests/sessions/kvstore.txt");
    }

    private String expected() throws Exception {
        return Files.readString(Path.of("../guests/sessions/kvstore.expected"), StandardCharsets.ISO_8859_1);
    }

    private Path record() throws Exception {
        Path rec = tmp.resolve("kv.rec");
        Path image = FtvmRunCommandTest.committedImage("kvstore", tmp);
        assertThat(Ftvm.execute("run", "--record", rec.toString(), "--input", session().toString(),
                image.toString())).isZero();
        assertThat(stdout()).isEqualTo(expected());
        resetCaptured();
        return rec;
    }

    @Test
    void recordedRunReplaysToTheSameOutput() throws Exception {
        Path rec = record();
        assertThat(Ftvm.execute("replay", rec.toString())).isZero();
        assertThat(stdout()).isEqualTo(expected());
        assertThat(stderr()).contains("powered off (code 0)").contains("digests verified");
        resetCaptured();
        assertThat(Ftvm.execute("replay", "--interpret", rec.toString())).isZero();
        assertThat(stdout()).isEqualTo(expected());
    }

    @Test
    void replayStopsExactlyWhereAsked() throws Exception {
        Path rec = record();
        assertThat(Ftvm.execute("replay", "--to", "5000", rec.toString())).isZero();
        assertThat(stderr()).contains("stopped as asked at icount 5000");
        resetCaptured();
        assertThat(Ftvm.execute("replay", "--to", "-1", rec.toString())).isEqualTo(2);
    }

    @Test
    void tornTailIsCutAndReported() throws Exception {
        Path rec = record();
        byte[] bytes = Files.readAllBytes(rec);
        Files.write(rec, Arrays.copyOf(bytes, bytes.length - 3));
        assertThat(Ftvm.execute("replay", rec.toString())).isZero();
        assertThat(stderr()).contains("torn tail").contains("end of recording");
    }

    @Test
    void damagedOrForeignRecordingsAreRefused() throws Exception {
        Path rec = record();
        byte[] bytes = Files.readAllBytes(rec);
        bytes[bytes.length - 200] ^= 0x5a;
        Files.write(rec, bytes);
        assertThat(Ftvm.execute("replay", rec.toString())).isEqualTo(3);
        assertThat(stderr()).contains("corrupted record");
        resetCaptured();
        Path text = Files.writeString(tmp.resolve("x.rec"), "nothing to see");
        assertThat(Ftvm.execute("replay", text.toString())).isEqualTo(3);
        assertThat(stderr()).contains("not an ftvm recording");
        resetCaptured();
        assertThat(Ftvm.execute("replay", tmp.resolve("missing.rec").toString())).isEqualTo(3);
        assertThat(stderr()).contains("no such file");
    }

    @Test
    void aWrongDigestIsReportedAsDivergence() throws Exception {
        Path image = FtvmRunCommandTest.committedImage("hello", tmp);
        Path rec = tmp.resolve("bad.rec");
        try (RecordingFile.Writer w = RecordingFile.create(rec, new RecordingHeader(128L << 20, 10, "hello",
                Files.readAllBytes(image)))) {
            w.append(new Event.Digest(100, 0x1234));
        }
        assertThat(Ftvm.execute("replay", rec.toString())).isEqualTo(5);
        assertThat(stderr()).contains("divergence at icount 100").contains("digest mismatch");
    }

    @Test
    void badRecordAndInputOptionsAreRejected() throws Exception {
        Path image = FtvmRunCommandTest.committedImage("hello", tmp);
        assertThat(Ftvm.execute("run", "--record", tmp.resolve("no/such/dir/r.rec").toString(), image.toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("--record").contains("cannot create");
        resetCaptured();
        assertThat(Ftvm.execute("run", "--input", tmp.resolve("missing.txt").toString(), image.toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("--input").contains("no such file");
    }
}
