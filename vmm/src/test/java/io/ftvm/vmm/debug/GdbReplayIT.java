package io.ftvm.vmm.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.ElfImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code gdb-multiarch} against {@code ftvm debug}'s server, on a recording of the kvstore guest serving its
 * scripted session: a breakpoint, stepi and reverse-stepi to exactly the previous registers, reverse-continue to the
 * last hit of a breakpoint, a write watchpoint found backwards, and both ends of the recording.
 */
class GdbReplayIT {
    private static final Path ELF = KvstoreRecording.ELF;

    @TempDir
    Path dir;

    private DebugServer server;
    private Thread serving;
    private final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        ReplaySession session = new KvstoreRecording().session(100_000, 32);
        server = new DebugServer(session, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new PrintStream(serverLog, true, StandardCharsets.UTF_8));
        serving = new Thread(() -> {
            try {
                server.serve(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gdb-server");
        serving.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(10_000);
    }

    /** Runs gdb-multiarch in batch mode on {@code commands}; returns its output. */
    private String gdb(String... commands) throws Exception {
        List<String> script = new ArrayList<>(List.of("set pagination off", "set confirm off",
                "target remote 127.0.0.1:" + server.address().getPort()));
        script.addAll(List.of(commands));
        Path file = Files.write(dir.resolve("script.gdb"), script);
        Process p;
        try {
            p = new ProcessBuilder("gdb-multiarch", "-nx", "-batch", "-x", file.toString(), ELF.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return Assertions.fail("gdb-multiarch is not installed (Debian: apt-get install gdb-multiarch)");
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("gdb finished").isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Every value printed after {@code key=} (the scripts print markers with printf). */
    private static List<String> values(String out, String key) {
        List<String> v = new ArrayList<>();
        Matcher m = Pattern.compile(key + "=(\\S+)").matcher(out);
        while (m.find()) {
            v.add(m.group(1));
        }
        return v;
    }

    private static final String REGS = "printf \"R=%lx,%lx,%lx,%lx,%lx,%lx,%lx,%lx\\n\", $pc, $ra, $sp, $a0, $a1, $a2,"
            + " $s0, $s1";

    @Test
    void stepsBackToExactlyThePreviousStateAndForwardAgain() throws Exception {
        String out = gdb("break put", "continue", REGS, "stepi", REGS, "stepi", REGS, "reverse-stepi", REGS,
                "reverse-stepi", REGS, "stepi", REGS, "stepi", REGS);
        List<String> r = values(out, "R");
        assertThat(r).as(out).hasSize(7);
        assertThat(r.get(0)).startsWith(Long.toHexString(symbol("put")) + ",");
        assertThat(r.get(3)).as("one step back").isEqualTo(r.get(1));
        assertThat(r.get(4)).as("two steps back").isEqualTo(r.get(0));
        assertThat(r.get(5)).as("forward again").isEqualTo(r.get(1));
        assertThat(r.get(6)).isEqualTo(r.get(2));
        assertThat(r.get(1)).isNotEqualTo(r.get(0));
    }

    @Test
    void reverseContinueStopsAtTheLastHitOfABreakpoint() throws Exception {
        String out = gdb("break put", "continue", "monitor icount", "continue", "monitor icount", "continue",
                "monitor icount", "reverse-continue", "monitor icount", "reverse-continue", "monitor icount");
        List<Long> at = new ArrayList<>();
        Matcher m = Pattern.compile("icount (\\d+) \\(the recording").matcher(out);
        while (m.find()) {
            at.add(Long.parseLong(m.group(1)));
        }
        assertThat(at).as(out).hasSize(5);
        assertThat(at.get(0)).isLessThan(at.get(1));
        assertThat(at.get(1)).isLessThan(at.get(2));
        assertThat(at.get(3)).as("back to the second hit").isEqualTo(at.get(1));
        assertThat(at.get(4)).as("back to the first hit").isEqualTo(at.get(0));
        assertThat(out).contains("Breakpoint 1, put");
    }

    @Test
    void aWriteWatchpointFoundBackwardsIsTheLastWriter() throws Exception {
        String out = gdb("continue", "printf \"F=%d\\n\", nkeys", "watch nkeys", "reverse-continue",
                "printf \"V=%d\\n\", nkeys", "x/i $pc", "stepi", "printf \"V=%d\\n\", nkeys");
        assertThat(out).as(out).contains("No more reverse-execution history").contains("Hardware watchpoint 1: nkeys");
        List<String> v = values(out, "V");
        String last = values(out, "F").get(0);
        assertThat(v).as(out).hasSize(2);
        assertThat(v.get(0)).as("before the last store").isNotEqualTo(last);
        assertThat(v.get(1)).as("the store at the stop makes the final value").isEqualTo(last);
        assertThat(out).containsPattern("=> 0x[0-9a-f]+ <[a-z_]+\\+\\d+>:\\s+(c\\.)?sw");
    }

    @Test
    void bothEndsOfTheRecordingSayThereIsNoMoreHistory() throws Exception {
        String out = gdb("reverse-stepi", "continue", "monitor icount", "reverse-continue",
                "printf \"PC=%lx\\n\", $pc", "monitor when", "monitor checkpoints", "monitor seek 4000",
                "monitor bogus", "monitor seek -5");
        assertThat(out.split("No more reverse-execution history", -1)).as(out).hasSize(4);
        assertThat(values(out, "PC")).containsExactly(Long.toHexString(symbol("_start")));
        assertThat(out).contains("at icount 4000").contains("unknown monitor command 'bogus'")
                .contains("icount -5 is outside the recording").contains("checkpoints, ");
    }

    private static long symbol(String name) throws Exception {
        return ElfImage.parse("kvstore.elf", Files.readAllBytes(ELF)).symbol(name).orElseThrow();
    }
}
