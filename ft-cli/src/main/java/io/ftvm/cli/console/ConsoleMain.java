package io.ftvm.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.ftvm.cli.CliException;
import io.ftvm.cli.ExitCodes;
import io.ftvm.cli.Ftctl;
import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleMessage;
import io.ftvm.replication.console.Endpoint;
import io.ftvm.replication.console.EscapeDetector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftctl console VM}, the interactive console client: attaches this terminal's stdin/stdout to a VM's console,
 * following the VM across failovers. The console endpoints are every live host's, from the admin API (or given
 * with {@code --console-endpoint}). Connection changes go to stderr as {@code [ftvm: ...]} lines. Ends on EOF (after the input sent has been
 * acknowledged, waiting at most {@code --drain-timeout}) or on Ctrl-] then q. Exit codes: 0 done, 1 the client
 * stopped (an output gap not accepted, an unsupported server), 2 bad arguments.
 */
@Command(name = "console", mixinStandardHelpOptions = true, version = "ftvm console protocol "
        + ConsoleCodec.VERSION, description = {"Attach stdin/stdout to a VM's console; Ctrl-] then q quits.",
            "The session follows the VM across failovers: output resumes at the same byte, input is delivered once."})
public final class ConsoleMain implements Callable<Integer> {
    /** After the escape sequence, how long input typed before it may take to be acknowledged. */
    static final Duration QUIT_DRAIN = Duration.ofSeconds(2);

    @Parameters(paramLabel = "VM", description = "the VM whose console to attach")
    String vmId;

    @Option(names = "--console-endpoint", split = ",", paramLabel = "HOST:PORT", converter = EndpointConverter.class,
            description = "console endpoints to use instead of every live host's from the admin API (comma-separated"
                    + " or repeated)")
    List<Endpoint> endpoints;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", defaultValue = "oldest", paramLabel = "oldest|end|OFFSET",
            converter = OffsetConverter.class,
            description = "first output offset: all output still held (default), only new output, or an offset")
    long from;

    @Option(names = "--accept-gap", description = "when output this client needs is no longer held, resume at the"
            + " oldest offset held (reported on stderr) instead of stopping")
    boolean acceptGap;

    @Option(names = "--raw", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "put the terminal in raw mode when stdin is one (default: on)")
    boolean raw;

    /** How typed lines and output lines are handled. */
    enum LineMode { auto, on, off }

    @Option(names = "--line-mode", defaultValue = "auto", paramLabel = "auto|on|off",
            description = "echo and edit typed lines locally, send Enter as a line feed and print output lines with"
                    + " CR LF, as a cooked terminal does for a line-oriented guest; auto (default): on when stdin is a"
                    + " terminal put in raw mode; off for full-screen guests that echo and edit themselves")
    LineMode lineMode;

    @Option(names = "--write", description = "type into the VM: takes the VM's write lease (one writer at a time; "
            + "without it the console is read-only)")
    boolean write;

    @Option(names = "--take-over", description = "with --write: take the write lease from its current holder")
    boolean takeOver;

    @Option(names = "--console-token-file", paramLabel = "FILE", description = "the token file when run on its "
            + "own (under ftctl: --token-file, $FTCTL_TOKEN_FILE or $FTCTL_TOKEN)")
    java.nio.file.Path consoleTokenFile;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = Ftctl.DurationConverter.class,
            paramLabel = "DURATION", description = "on EOF, how long to wait for input to be acknowledged (e.g. 10s)")
    Duration drainTimeout;

    private final InputStream in;
    private final OutputStream out;
    private final PrintStream err;

    /** The console of this process's terminal. */
    public ConsoleMain() {
        this(System.in, System.out, System.err);
    }

    public ConsoleMain(InputStream in, OutputStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs the console with the given streams; returns the exit code. */
    static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new ConsoleMain(in, out, err));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (endpoints == null || endpoints.isEmpty()) {
            endpoints = consoleEndpoints();
        }
        if (takeOver && !write) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--take-over needs --write");
        }
        String token = spec.root().userObject() instanceof Ftctl root && consoleTokenFile == null ? root.token()
                : Ftctl.resolveToken(consoleTokenFile, System.getenv());
        ConsoleClientConfig config = ConsoleClientConfig.of(vmId, endpoints).withStartOffset(from)
                .withAcceptOutputGaps(acceptGap).withCredential(token)
                .withAccess(!write ? ConsoleAccess.READ : takeOver ? ConsoleAccess.TAKE_OVER : ConsoleAccess.WRITE)
                .withTls(spec.root().userObject() instanceof Ftctl r ? r.tls()
                        : Ftctl.resolveTls(null, null, null, System.getenv()));
        RawTerminal terminal = raw ? RawTerminal.enterIfTerminal(err) : RawTerminal.NONE;
        discipline = lineMode == LineMode.on || (lineMode == LineMode.auto && terminal != RawTerminal.NONE)
                ? new LineDiscipline() : null;
        try {
            return attach(config);
        } finally {
            terminal.restore();
        }
    }

    /** Every live host's console endpoint, from the admin API. */
    private List<Endpoint> consoleEndpoints() {
        if (!(spec.root().userObject() instanceof Ftctl root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--console-endpoint is required");
        }
        try {
            root.client().get("/vms/" + io.ftvm.cli.AdminClient.vmId(vmId));
        } catch (io.ftvm.cli.AdminClient.ApiException e) {
            if (e.status() == 404) {
                throw new CliException(ExitCodes.FAILED, "no such VM '" + vmId + "' (ftctl vm list shows the VMs)");
            }
            throw e;
        }
        List<Endpoint> found = new ArrayList<>();
        boolean anyTls = false;
        for (JsonNode h : root.client().get("/status").path("hosts")) {
            if (h.hasNonNull("console")) {
                found.add(Endpoint.parse(h.get("console").asText()));
                anyTls |= h.path("tls").asBoolean(false);
            }
        }
        if (anyTls && root.tls() == null) {
            throw new CliException(ExitCodes.USAGE, "the cluster's consoles run TLS: give the cluster CA "
                    + "certificate with --ca-file FILE or FTCTL_CA_FILE");
        }
        if (found.isEmpty()) {
            throw new CliException(ExitCodes.FAILED, "no live host serves consoles");
        }
        return found;
    }

    private int attach(ConsoleClientConfig config) throws InterruptedException {
        AtomicBoolean connected = new AtomicBoolean();
        ConsoleClient client = ConsoleClient.start(config, (offset, bytes) -> {
            try {
                synchronized (out) {
                    out.write(discipline == null ? bytes : discipline.output(bytes));
                    out.flush();
                }
            } catch (IOException e) {
                note("cannot write output: " + e.getMessage());
            }
        }, e -> report(e, connected));
        CountDownLatch inputDone = new CountDownLatch(1);
        AtomicBoolean quit = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                quit.set(pumpInput(client));
            } finally {
                inputDone.countDown();
            }
        }, "ftvm-console-stdin");
        reader.setDaemon(true);
        reader.start();
        note("attaching to VM " + vmId + "; Ctrl-] then q quits");
        try {
            while (!inputDone.await(50, TimeUnit.MILLISECONDS)) {
                if (client.awaitStopped(Duration.ZERO)) {
                    return client.state() == ConsoleClient.State.FAILED ? 1 : 0;
                }
            }
            // what was typed before EOF or the escape goes out first (the escape waits less: the user wants out)
            Duration drain = quit.get() && drainTimeout.compareTo(QUIT_DRAIN) > 0 ? QUIT_DRAIN : drainTimeout;
            if (client.state() != ConsoleClient.State.FAILED && !client.awaitInputAcked(drain)) {
                note("WARNING: " + client.inputPending() + " input bytes not acknowledged after "
                        + drain.toMillis() + " ms");
            }
            return client.state() == ConsoleClient.State.FAILED ? 1 : 0;
        } finally {
            client.close();
        }
    }

    private boolean readOnlyNoted;
    /** Line editing and CR/LF handling, or null (bytes pass as they are). */
    private volatile LineDiscipline discipline;

    /** Copies stdin to the client until EOF (false) or the escape sequence (true). */
    private boolean pumpInput(ConsoleClient client) {
        EscapeDetector escape = new EscapeDetector();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                EscapeDetector.Result r = escape.feed(buf, 0, n);
                byte[] typed = r.toSend();
                if (discipline != null && typed.length > 0 && write) {
                    LineDiscipline.Typed t = discipline.type(typed, 0, typed.length);
                    echo(t.echo());
                    typed = t.toGuest();
                }
                if (typed.length > 0 && write) {
                    client.send(typed);
                } else if (r.toSend().length > 0 && !write && !readOnlyNoted) {
                    readOnlyNoted = true;
                    note("read-only: what you type is not sent (attach with --write to type)");
                }
                if (r.quit()) {
                    return true;
                }
            }
            if (discipline != null && write) {
                byte[] rest = discipline.pending();
                if (rest.length > 0) {
                    client.send(rest); // end of input: what was typed on the last line goes out as it is
                }
            }
        } catch (IOException | IllegalStateException e) {
            note("input stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void echo(byte[] bytes) throws IOException {
        if (bytes.length > 0) {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        }
    }

    private void report(ConnectionEvent e, AtomicBoolean connected) {
        switch (e.kind()) {
            case CONNECTED -> {
                connected.set(true);
                note("connected to " + e.endpoint() + " at output offset " + e.outputOffset());
            }
            case RECONNECTED -> {
                connected.set(true);
                note("reconnected to " + e.endpoint() + " at output offset " + e.outputOffset());
            }
            case DISCONNECTED -> {
                if (connected.getAndSet(false)) {
                    note("connection lost (" + e.detail() + "); reconnecting");
                }
            }
            case REDIRECTED -> {
                // followed at once; the reconnection that follows is reported
            }
            case OUTPUT_GAP, INPUT_LOST -> note("WARNING: " + e.detail());
            case FAILED -> note("stopped: " + e.detail());
            case CLOSED -> {
            }
            default -> {
            }
        }
    }

    private void note(String text) {
        err.print("\r[ftvm: " + text + "]\r\n");
        err.flush();
    }

    static final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String value) {
            try {
                return Endpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class OffsetConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            switch (value) {
                case "oldest":
                    return ConsoleMessage.FROM_OLDEST;
                case "end":
                    return ConsoleMessage.FROM_END;
                default:
                    try {
                        long v = Long.parseLong(value);
                        if (v >= 0) {
                            return v;
                        }
                    } catch (NumberFormatException e) {
                        // below
                    }
                    throw new CommandLine.TypeConversionException("'" + value
                            + "' is not oldest, end or a non-negative offset");
            }
        }
    }
}
