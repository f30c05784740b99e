package io.ftvm.vmm.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ftvm debug}: serving a recording to one client with --once, and what it says about bad arguments and files. */
class FtvmDebugCommandTest extends CapturedStdStreams {
    @TempDir
    Path tmp;

    private Path record() throws Exception {
        Path rec = tmp.resolve("kv.rec");
        Path image = FtvmRunCommandTest.committedImage("kvstore", tmp);
        assertThat(Ftvm.execute("run", "--record", rec.toString(), "--input", "../guests/sessions/kvstore.txt",
                image.toString())).isZero();
        resetCaptured();
        return rec;
    }

    @Test
    void servesOneClientAndExitsWhenItDetaches() throws Exception {
        Path rec = record();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Ftvm.execute("debug", "--gdb",
                "127.0.0.1:0", "--once", "--symbols", "kvstore.elf", rec.toString()));
        Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + 30_000_000_000L;
        Matcher m = listening.matcher(stderr());
        while (!m.find()) {
            assertThat(System.nanoTime()).as("stderr: %s", stderr()).isLessThan(deadline);
            assertThat(exit).isNotDone();
            Thread.sleep(10);
            m = listening.matcher(stderr());
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("$D#44".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(7), StandardCharsets.ISO_8859_1)).isEqualTo("+$OK#9a");
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(stderr()).contains("digests verified").contains("instructions 0 to ").contains("gdb-multiarch -ex 'target remote 127.0.0.1:")
                .contains("kvstore.elf").contains("disconnected");
    }

    @Test
    void aRecordingThatDoesNotReplayExactlyIsRefusedWithWhere() throws Exception {
        Path rec = record();
        io.ftvm.vmm.replay.RecordingFile.Contents c = io.ftvm.vmm.replay.RecordingFile.read(rec);
        Path tampered = tmp.resolve("tampered.rec");
        boolean changed = false;
        try (io.ftvm.vmm.replay.RecordingFile.Writer w = io.ftvm.vmm.replay.RecordingFile.create(tampered,
                c.header())) {
            for (io.ftvm.vmm.replay.Event e : c.events()) {
                if (!changed && e instanceof io.ftvm.vmm.replay.Event.ConsoleInput in) {
                    byte[] b = in.bytes();
                    b[0] = (byte) (b[0] == 'x' ? 'y' : 'x'); // another command typed: valid checksums, other run
                    w.append(new io.ftvm.vmm.replay.Event.ConsoleInput(in.icount(), b));
                    changed = true;
                } else {
                    w.append(e);
                }
            }
        }
        assertThat(changed).isTrue();
        assertThat(Ftvm.execute("debug", "--gdb", "127.0.0.1:0", tampered.toString())).isEqualTo(5);
        assertThat(stderr()).containsPattern("does not replay exactly: divergence at icount \\d+: ");
    }

    @Test
    void badArgumentsAndFilesAreNamed() throws Exception {
        Path text = Files.writeString(tmp.resolve("x.rec"), "nothing to see");
        assertThat(Ftvm.execute("debug", "--gdb", "127.0.0.1:0", text.toString())).isEqualTo(3);
        assertThat(stderr()).contains("ftvm debug: ").contains("not an ftvm recording");
        resetCaptured();
        Path rec = record();
        assertThat(Ftvm.execute("debug", "--gdb", "127.0.0.1:99999", rec.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--gdb 127.0.0.1:99999: port 99999 out of range");
        resetCaptured();
        assertThat(Ftvm.execute("debug", "--gdb", "nocolon", rec.toString())).isEqualTo(2);
        assertThat(stderr()).contains("expected HOST:PORT");
        resetCaptured();
        assertThat(Ftvm.execute("debug", "--checkpoint-interval", "5", rec.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--checkpoint-interval must be at least 1000");
        resetCaptured();
        byte[] bytes = Files.readAllBytes(rec);
        bytes[bytes.length - 200] ^= 0x5a;
        Files.write(rec, bytes);
        assertThat(Ftvm.execute("debug", "--gdb", "127.0.0.1:0", rec.toString())).isEqualTo(3);
        assertThat(stderr()).contains("corrupted record");
    }
}
