package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftctl host drain|undrain|show HOST}: host maintenance. A drained host takes no new role; the cluster moves
 * its backups to other hosts and switches its primaries over to their backups (no failover, nothing lost), so that
 * it can be stopped without a failover. The mark stays (across the host's restarts) until {@code host undrain}.
 */
@Command(name = "host", mixinStandardHelpOptions = true, subcommands = CommandLine.HelpCommand.class,
        description = {"Host maintenance:",
            "  drain    move every role off the host (backups elsewhere, primaries by switchover); no new roles",
            "  undrain  let the host take roles again",
            "  show     what the host still holds and what each role waits for"})
final class HostCommand implements Runnable {
    private static final long POLL_MILLIS = 250;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: drain, undrain, show");
    }

    @Command(name = "drain", mixinStandardHelpOptions = true, description = {"Drain a host for maintenance: its "
            + "backups move to other hosts, its protected primaries switch over to their backups, and it takes no "
            + "new role until undrained.", "A VM running there without fault tolerance cannot move: it is reported "
            + "and blocks the drain."})
    void drain(@Parameters(paramLabel = "HOST") String host,
            @Option(names = "--wait", description = "wait until the host holds no role, showing what remains")
            boolean wait,
            @Option(names = "--timeout", defaultValue = "10m", converter = Ftctl.DurationConverter.class,
                    description = "how long --wait waits (default: ${DEFAULT-VALUE})") Duration timeout)
            throws InterruptedException {
        Ftctl root = Ftctl.of(spec);
        AdminClient client = root.client();
        JsonNode now = client.post("/hosts/" + hostId(host) + "/drain", Map.of());
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        Progress progress = Progress.of(spec, root);
        try {
            while (wait && !now.path("done").asBoolean()) {
                if (now.path("blockers").size() > 0) {
                    throw new CliException(ExitCodes.FAILED, "host " + host + " is drained but cannot be emptied: "
                            + describe(now.path("blockers")));
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.TIMEOUT, "host " + host + " still holds roles after "
                            + timeout.toMillis() + " ms: " + remaining(now));
                }
                progress.update(remaining(now), 0, 0, ProtectionWaiter.millisSince(t0));
                Thread.sleep(POLL_MILLIS);
                now = client.get("/hosts/" + hostId(host));
            }
        } finally {
            progress.finish();
        }
        JsonNode r = now;
        root.print(spec, r, out -> {
            out.println("host " + host + " is drained" + (r.path("done").asBoolean() ? " and holds no role"
                    : "; still moving: " + remaining(r)));
            table(out, r);
        });
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, description = "Let a drained host take roles "
            + "again (roles already moved stay where they are).")
    void undrain(@Parameters(paramLabel = "HOST") String host) {
        Ftctl root = Ftctl.of(spec);
        JsonNode r = root.client().post("/hosts/" + hostId(host) + "/undrain", Map.of());
        root.print(spec, r, out -> out.println(r.path("changed").asBoolean() ? "host " + host
                + " is no longer drained: it takes roles again" : "host " + host + " was not drained"));
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Whether a host is drained, and the "
            + "roles it still holds with what each waits for.")
    void show(@Parameters(paramLabel = "HOST") String host) {
        Ftctl root = Ftctl.of(spec);
        JsonNode r = root.client().get("/hosts/" + hostId(host));
        root.print(spec, r, out -> {
            out.println("host " + host + ": " + (r.path("live").asBoolean() ? "live" : "not live")
                    + (r.path("drained").asBoolean() ? ", drained" : ""));
            table(out, r);
        });
    }

    private static void table(PrintWriter out, JsonNode r) {
        if (r.path("primaries").size() + r.path("backups").size() == 0) {
            return;
        }
        Table t = new Table("VM", "ROLE", "STATE");
        rows(t, r.path("primaries"), "primary");
        rows(t, r.path("backups"), "backup");
        t.print(out);
    }

    private static void rows(Table t, JsonNode roles, String role) {
        for (Iterator<Map.Entry<String, JsonNode>> it = roles.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            t.row(e.getKey(), role, e.getValue().asText());
        }
    }

    private static String remaining(JsonNode r) {
        return r.path("primaries").size() + " primaries, " + r.path("backups").size() + " backups";
    }

    private static String describe(JsonNode blockers) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = blockers.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(b.length() == 0 ? "" : "; ").append("VM ").append(e.getKey()).append(": ")
                    .append(e.getValue().asText());
        }
        return b.toString();
    }

    /** Host ids are znode names; anything else is refused before a request is made. */
    private String hostId(String host) {
        if (!host.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + host + "' is not a host id (1-128 "
                    + "letters, digits, '.', '_', '-', starting with a letter or digit)");
        }
        return host;
    }
}
