package io.ftvm.cli.console;

import static io.ftvm.node.console.TestSupport.await;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.node.console.ConsoleServer;
import io.ftvm.node.console.InMemoryConsoleBackend;
import io.ftvm.node.console.TestSupport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The interactive client with its streams replaced: arguments, output, input until EOF or the escape. */
class ConsoleMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private static final java.nio.file.Path TOKEN_FILE;

    static {
        try {
            TOKEN_FILE = java.nio.file.Files.createTempFile("console-token", ".txt");
            TOKEN_FILE.toFile().deleteOnExit();
            java.nio.file.Files.writeString(TOKEN_FILE, TestSupport.TOKEN + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs a writer with the test servers' token. */
    private int run(InputStream in, String... args) {
        return runAs(in, true, args);
    }

    private int runAs(InputStream in, boolean write, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.add("--console-token-file=" + TOKEN_FILE);
        if (write) {
            all.add("--write");
        }
        return ConsoleMain.run(all.toArray(String[]::new), in, out, err);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static InputStream stdin(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertThat(run(stdin(""), "--console-endpoint", "h:1")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter: 'VM'");
        errBytes.reset();
        assertThat(run(stdin(""), "v")).isEqualTo(2);
        assertThat(err()).contains("--console-endpoint is required");
        errBytes.reset();
        assertThat(run(stdin(""), "v", "--console-endpoint", "nohost")).isEqualTo(2);
        assertThat(err()).contains("'nohost' is not host:port");
        errBytes.reset();
        assertThat(run(stdin(""), "v", "--console-endpoint", "h:1", "--from", "yesterday")).isEqualTo(2);
        assertThat(err()).contains("'yesterday' is not oldest, end or a non-negative offset");
        errBytes.reset();
        assertThat(run(stdin(""), "v", "--console-endpoint", "h:1", "--bogus")).isEqualTo(2);
        assertThat(err()).contains("Unknown option: '--bogus'", "Usage:");
    }

    /** A console run on its own thread, typing into a pipe. */
    private record Piped(PipedOutputStream typing, Thread thread, AtomicInteger code) {
        int finish() throws Exception {
            typing.close(); // EOF
            thread.join(20_000);
            return code.get();
        }
    }

    private Piped startPiped(ConsoleServer server, String... more) throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(typing);
        AtomicInteger code = new AtomicInteger(-1);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(TestSupport.VM,
                "--console-endpoint", TestSupport.endpoint(server).toString(), "--no-raw"));
        args.addAll(java.util.List.of(more));
        Thread t = new Thread(() -> code.set(run(in, args.toArray(String[]::new))));
        t.start();
        return new Piped(typing, t, code);
    }

    @Test
    void inputIsSentUntilEofAndOutputIsPrinted() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        backend.appendOutput("login: ".getBytes(StandardCharsets.US_ASCII));
        backend.autoAck(true);
        try (ConsoleServer server = TestSupport.server(backend)) {
            Piped p = startPiped(server);
            await(() -> out.toString(StandardCharsets.US_ASCII).equals("login: "), "output printed");
            p.typing().write("root\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(p.finish()).isZero();
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("root\n");
            assertThat(err()).contains("[ftvm: connected to " + TestSupport.endpoint(server) + " at output offset 0]");
        }
    }

    @Test
    void lineModeEchoesTypingSendsEnterAsALineFeedAndPrintsLinesWithCrLf() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        backend.appendOutput("kv> ".getBytes(StandardCharsets.US_ASCII));
        backend.autoAck(true);
        try (ConsoleServer server = TestSupport.server(backend)) {
            Piped p = startPiped(server, "--line-mode", "on");
            await(() -> out.toString(StandardCharsets.US_ASCII).equals("kv> "), "prompt printed");
            p.typing().write("get ax\u007f\r".getBytes(StandardCharsets.US_ASCII)); // a terminal's Enter is CR
            await(() -> new String(backend.inputBytes(), StandardCharsets.US_ASCII).equals("get a\n"),
                    "the edited line with a line feed");
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("kv> get ax\b \b\r\n");
            backend.appendOutput("value 1\nkv> ".getBytes(StandardCharsets.US_ASCII));
            await(() -> out.toString(StandardCharsets.US_ASCII).endsWith("value 1\r\nkv> "), "CR LF output");
            assertThat(p.finish()).isZero();
        }
    }

    @Test
    void attachingIsReadOnlyUnlessAskedForWrite() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        backend.appendOutput("login: ".getBytes(StandardCharsets.US_ASCII));
        try (ConsoleServer server = TestSupport.server(backend)) {
            PipedOutputStream typing = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(typing);
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = new Thread(() -> code.set(runAs(in, false, TestSupport.VM, "--console-endpoint",
                    TestSupport.endpoint(server).toString(), "--no-raw")));
            t.start();
            await(() -> out.toString(StandardCharsets.US_ASCII).equals("login: "), "output printed");
            typing.write("root\n".getBytes(StandardCharsets.US_ASCII));
            typing.flush();
            await(() -> err().contains("read-only"), "the read-only note");
            typing.close();
            t.join(20_000);
            assertThat(code.get()).isZero();
            assertThat(backend.inputBytes()).as("nothing typed into the VM").isEmpty();
        }
    }

    @Test
    void aClientWithoutTheTokenIsRefused() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        java.nio.file.Path wrong = java.nio.file.Files.createTempFile("wrong-token", ".txt");
        try (ConsoleServer server = TestSupport.server(backend); PipedOutputStream typing = new PipedOutputStream()) {
            java.nio.file.Files.writeString(wrong, "not-the-console-token");
            PipedInputStream in = new PipedInputStream(typing);
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = new Thread(() -> code.set(ConsoleMain.run(new String[] {TestSupport.VM, "--console-endpoint",
                TestSupport.endpoint(server).toString(), "--no-raw", "--write", "--console-token-file=" + wrong},
                    in, out, err)));
            t.start();
            t.join(20_000);
            assertThat(code.get()).as("stopped for good; stderr: %s", err()).isEqualTo(1);
            assertThat(err()).contains("UNAUTHENTICATED");
            assertThat(server.auth().refusals()).isEqualTo(1);
        } finally {
            java.nio.file.Files.deleteIfExists(wrong);
        }
    }

    @Test
    void theEscapeSequenceQuitsWithoutSendingIt() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        backend.autoAck(true);
        try (ConsoleServer server = TestSupport.server(backend)) {
            PipedOutputStream typing = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(typing);
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = new Thread(() -> code.set(run(in, TestSupport.VM, "--console-endpoint",
                    TestSupport.endpoint(server).toString(), "--no-raw", "--from", "end")));
            t.start();
            typing.write("ls\r\u001dq".getBytes(StandardCharsets.ISO_8859_1)); // stdin stays open
            t.join(20_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(code.get()).isZero();
            await(() -> backend.inputAccepted() == 3, "input before the escape");
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("ls\r");
        }
    }

    @Test
    void anOutputGapNotAcceptedExitsWithOne() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(10, 1024);
        backend.appendOutput(new byte[100]);
        try (ConsoleServer server = TestSupport.server(backend)) {
            PipedInputStream in = new PipedInputStream(new PipedOutputStream()); // never EOF
            int code = run(in, TestSupport.VM, "--console-endpoint", TestSupport.endpoint(server).toString(),
                    "--no-raw", "--from", "5");
            assertThat(code).isEqualTo(1);
            assertThat(err()).contains("[ftvm: WARNING: output [5, 90) is no longer held; the oldest offset held is 90]",
                    "[ftvm: stopped:");
        }
    }
}
