package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.ftvm.cli.console.ConsoleMain;
import io.ftvm.replication.ClientTls;
import io.ftvm.replication.TlsConfig;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code ftctl}: cluster operations over ftd's admin API. Global options are inherited by every subcommand; the
 * connection settings also come from the environment ({@code FTCTL_ENDPOINT}, {@code FTCTL_TOKEN_FILE},
 * {@code FTCTL_TOKEN}, {@code FTCTL_CA_FILE}, {@code FTCTL_CERT_FILE}, {@code FTCTL_KEY_FILE}).
 */
@Command(name = "ftctl", mixinStandardHelpOptions = true, versionProvider = Ftctl.Version.class,
        description = "ftvm cluster operations: status, VMs, fault tolerance, failover drills, console, recordings.",
        subcommands = {StatusCommand.class, VmCommand.class, FtCommand.class, HostCommand.class, DrillCommand.class,
            RecordingCommand.class, ConsoleMain.class, AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:OK", "1:the operation failed or was refused by the cluster", "2:usage error (bad arguments)",
            "3:no admin endpoint of the cluster could be reached", "4:the admin token was refused",
            "5:timed out waiting (takeover, re-protection)"},
        footer = {"", "bin/ftctl demo runs a protected VM on a local 3-host cluster (see README.md)."})
public final class Ftctl implements Runnable {
    /** How results are printed. */
    public enum OutputFormat { table, json }

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "admin endpoints of ftd hosts; any live one serves the cluster (default: $FTCTL_ENDPOINT)")
    private String endpoint;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "file holding the admin bearer token (default: $FTCTL_TOKEN_FILE, or $FTCTL_TOKEN)")
    private Path tokenFile;

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "the cluster CA certificate (PEM): speak HTTPS to the admin API and TLS to consoles, and "
                    + "accept only hosts the CA signed (default: $FTCTL_CA_FILE; without it, plain HTTP and TCP)")
    private Path caFile;

    @Option(names = "--cert-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "with --ca-file: a client certificate of the cluster CA (PEM) to present "
                    + "(default: $FTCTL_CERT_FILE)")
    private Path certFile;

    @Option(names = "--key-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "the PKCS#8 private key of --cert-file (default: $FTCTL_KEY_FILE)")
    private Path keyFile;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table or json (default: ${DEFAULT-VALUE})", defaultValue = "table")
    private OutputFormat output;

    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            description = "timeout of one admin request, e.g. 5s or 500ms (default: ${DEFAULT-VALUE})",
            defaultValue = "10s", converter = DurationConverter.class)
    private Duration requestTimeout;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    public Ftctl(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see ftctl --help)");
    }

    /** The admin client from the options and the environment. */
    public AdminClient client() {
        String e = endpoint != null ? endpoint : env.get("FTCTL_ENDPOINT");
        if (e == null || e.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "no admin endpoint: use --endpoint HOST:PORT or set "
                    + "FTCTL_ENDPOINT");
        }
        List<String> endpoints = Arrays.stream(e.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String s : endpoints) {
            if (!s.matches("[^:\\s/]+:\\d{1,5}")) {
                throw new CliException(ExitCodes.USAGE, "bad admin endpoint '" + s + "': expected HOST:PORT");
            }
        }
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new CliException(ExitCodes.USAGE, "--request-timeout must be positive, was " + requestTimeout);
        }
        return new AdminClient(endpoints, token(), requestTimeout, tls());
    }

    /** The TLS settings from the options and the environment, or null for plain HTTP and TCP. */
    public ClientTls tls() {
        return resolveTls(caFile, certFile, keyFile, env);
    }

    /**
     * The client TLS settings: {@code ca} (else $FTCTL_CA_FILE), with {@code cert} and {@code key} (else
     * $FTCTL_CERT_FILE and $FTCTL_KEY_FILE) when given; null when no CA file is set.
     *
     * @throws CliException (usage) when a file is missing or unusable, or a certificate comes without a CA
     */
    public static ClientTls resolveTls(Path ca, Path cert, Path key, Map<String, String> env) {
        Path c = ca != null ? ca : pathFromEnv(env, "FTCTL_CA_FILE");
        Path crt = cert != null ? cert : pathFromEnv(env, "FTCTL_CERT_FILE");
        Path k = key != null ? key : pathFromEnv(env, "FTCTL_KEY_FILE");
        if (c == null) {
            if (crt != null || k != null) {
                throw new CliException(ExitCodes.USAGE, "a client certificate or key needs the cluster CA too: "
                        + "--ca-file FILE or FTCTL_CA_FILE");
            }
            return null;
        }
        try {
            ClientTls tls = new ClientTls(c, crt, k);
            tls.nettyContext(); // reads the PEM files now, so a bad one is named before anything is sent
            return tls;
        } catch (TlsConfig.TlsConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static Path pathFromEnv(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : Path.of(v.trim());
    }

    /** The operator's token (admin API and consoles), from --token-file, $FTCTL_TOKEN_FILE or $FTCTL_TOKEN. */
    public String token() {
        return resolveToken(tokenFile, env);
    }

    /**
     * The token in {@code file}, else in the file $FTCTL_TOKEN_FILE names, else $FTCTL_TOKEN.
     *
     * @throws CliException (usage) when none is set or the file cannot be read or is empty
     */
    public static String resolveToken(Path tokenFile, Map<String, String> env) {
        Path file = tokenFile != null ? tokenFile
                : env.get("FTCTL_TOKEN_FILE") != null ? Path.of(env.get("FTCTL_TOKEN_FILE")) : null;
        if (file != null) {
            try {
                String t = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (t.isEmpty()) {
                    throw new CliException(ExitCodes.USAGE, "token file " + file + " is empty");
                }
                return t;
            } catch (IOException ex) {
                throw new CliException(ExitCodes.USAGE, "cannot read token file " + file + ": " + ex.getMessage());
            }
        }
        String t = env.get("FTCTL_TOKEN");
        if (t == null || t.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "no admin token: use --token-file FILE or set FTCTL_TOKEN_FILE "
                    + "(or FTCTL_TOKEN)");
        }
        return t.trim();
    }

    OutputFormat output() {
        return output;
    }

    /** Prints {@code json} as JSON, or runs {@code table} for the table format. */
    void print(CommandLine.Model.CommandSpec cmd, JsonNode json, java.util.function.Consumer<PrintWriter> table) {
        PrintWriter out = cmd.commandLine().getOut();
        if (output == OutputFormat.json) {
            try {
                out.println(AdminClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        } else {
            table.accept(out);
            out.flush();
        }
    }

    /** The root command's object from any subcommand's spec. */
    static Ftctl of(CommandLine.Model.CommandSpec spec) {
        return (Ftctl) spec.root().userObject();
    }

    /** The command line, with ftctl's error handling: messages on stderr, the documented exit codes. */
    public static CommandLine commandLine(Map<String, String> env) {
        return commandLine(env, CommandLine.defaultFactory());
    }

    /** The command line whose {@code console} command uses the given streams instead of the terminal (tests). */
    public static CommandLine commandLine(Map<String, String> env, java.io.InputStream in, java.io.OutputStream out,
            java.io.PrintStream err) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        return commandLine(env, new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == ConsoleMain.class ? (K) new ConsoleMain(in, out, err) : defaults.create(cls);
            }
        });
    }

    private static CommandLine commandLine(Map<String, String> env, CommandLine.IFactory factory) {
        CommandLine cl = new CommandLine(new Ftctl(env), factory);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (ex instanceof CliException c) {
                line.getErr().println("ftctl: " + c.getMessage());
                line.getErr().flush();
                if (c.exitCode() == ExitCodes.USAGE) {
                    line.getErr().println("(see: " + line.getCommandSpec().qualifiedName() + " --help)");
                }
                return c.exitCode();
            }
            line.getErr().println("ftctl: internal error: " + ex);
            return ExitCodes.FAILED;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The build's version ({@link io.ftvm.vmm.BuildInfo}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ftctl " + io.ftvm.vmm.BuildInfo.version()};
        }
    }

    /** Durations like {@code 30s}, {@code 500ms}, {@code 2m}, or ISO-8601 ({@code PT30S}). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String s) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s.trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(s);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a duration (e.g. 30s, 500ms, 2m)");
            }
        }
    }
}
