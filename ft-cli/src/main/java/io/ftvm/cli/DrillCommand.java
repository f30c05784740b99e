package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftctl drill failover|restart-backup VM}: failover drills on a protected VM. The role's instance is killed
 * for real on its host (no goodbye, no record change: as if the host died), then the drill watches the cluster
 * recover and reports how long each step took.
 */
@Command(name = "drill", mixinStandardHelpOptions = true, subcommands = CommandLine.HelpCommand.class,
        description = "Failover drills (the VM must be protected).")
final class DrillCommand implements Runnable {
    /** Polling while the takeover is expected (it takes tens of milliseconds). */
    private static final long POLL_MILLIS = 50;
    /** The host's crash request may wait up to 20 s for its reconcile thread. */
    private static final Duration CRASH_TIMEOUT = Duration.ofSeconds(30);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--timeout", scope = CommandLine.ScopeType.INHERIT, defaultValue = "120s",
            converter = Ftctl.DurationConverter.class,
            description = "how long to wait for each recovery step (default: ${DEFAULT-VALUE})")
    private Duration timeout;

    @Option(names = "--no-wait-protected", scope = CommandLine.ScopeType.INHERIT,
            description = "do not wait for redundancy to be restored after the drill")
    private boolean noWait;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: failover, restart-backup");
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = {"Kill the VM's primary instance and watch its backup take over (Test Failover).",
                "Reports detection (kill to the backup's decision), takeover (decision to running live) and total "
                    + "time, then waits until a new backup is in sync."})
    void failover(@Parameters(paramLabel = "VM") String vm) throws InterruptedException {
        Ftctl root = Ftctl.of(spec);
        AdminClient client = root.client();
        Progress progress = progress(root);
        JsonNode before = requireProtected(client, vm);
        String oldPrimary = Views.text(before, "primary");
        long epoch = before.path("epoch").asLong();
        JsonNode crash = client.withTimeout(CRASH_TIMEOUT).onHost(adminOf(client, oldPrimary), "POST",
                "/local/vms/" + AdminClient.vmId(vm) + "/crash", Map.of("role", "primary"));
        long crashedAt = crash.path("crashedAtUnixMillis").asLong();
        long t0 = System.nanoTime();
        JsonNode after = null;
        JsonNode takeover = null;
        long deadline = t0 + timeout.toNanos();
        while (takeover == null) {
            if (System.nanoTime() > deadline) {
                progress.finish();
                throw new CliException(ExitCodes.TIMEOUT, "no backup took over VM " + vm + " within "
                        + timeout.toMillis() + " ms of killing its primary on " + oldPrimary + "; last seen: "
                        + seen(after));
            }
            after = client.get("/vms/" + AdminClient.vmId(vm));
            if (after.path("status").asText().equals("STOPPED")) {
                progress.finish();
                throw new CliException(ExitCodes.FAILED, "VM " + vm + " stopped instead of failing over: "
                        + Views.text(after, "reason"));
            }
            String primary = Views.text(after, "primary");
            if (after.path("epoch").asLong() > epoch && primary != null && !primary.equals(oldPrimary)) {
                JsonNode t = after.path("primaryHost").path("lastTakeover");
                // this takeover, not an earlier one of the same host: its epoch is the new primary's tenure
                if (!t.isMissingNode() && after.path("primaryHost").has("primary")
                        && t.path("epoch").asLong() == after.path("primarySince").asLong()) {
                    takeover = t;
                    break;
                }
            }
            progress.update("waiting for the backup to take over", 0, 0, millisSince(t0));
            Thread.sleep(POLL_MILLIS);
        }
        long observed = millisSince(t0);
        progress.finish();
        ObjectNode report = AdminClient.JSON.createObjectNode();
        report.put("vm", vm);
        report.put("oldPrimary", oldPrimary);
        report.put("newPrimary", Views.text(after, "primary"));
        long tookOverAt = after.path("primarySince").asLong(); // the epoch the takeover created
        report.put("epoch", tookOverAt);
        report.put("detectionMs", takeover.path("decidedUnixMillis").asLong() - crashedAt);
        report.put("takeoverMs", takeover.path("takeoverMs").asDouble());
        report.put("totalMs", takeover.path("liveUnixMillis").asLong() - crashedAt);
        report.put("observedMs", observed);
        if (!noWait) {
            JsonNode protectedAgain = awaitProtected(client, vm, tookOverAt, progress, t0);
            report.put("newBackup", Views.text(protectedAgain, "backup"));
            report.put("reprotectedMs", millisSince(t0));
        }
        root.print(spec, report, out -> {
            out.println("failover drill on " + vm + ": primary " + oldPrimary + " killed; "
                    + report.path("newPrimary").asText() + " took over at epoch " + report.path("epoch").asLong());
            Table t = new Table("STEP", "TIME");
            t.row("detection (kill -> backup decides)", report.path("detectionMs").asLong() + " ms");
            t.row("takeover (decision -> live)", String.format("%.1f ms", report.path("takeoverMs").asDouble()));
            t.row("total (kill -> live)", report.path("totalMs").asLong() + " ms");
            t.row("seen by ftctl", observed + " ms");
            if (report.has("reprotectedMs")) {
                t.row("protected again (new backup " + report.path("newBackup").asText() + ")",
                        report.path("reprotectedMs").asLong() + " ms");
            }
            t.print(out);
        });
    }

    @Command(name = "restart-backup", mixinStandardHelpOptions = true,
            description = {"Kill the VM's backup instance and watch the cluster restore redundancy "
                    + "(Test Restart Secondary).",
                "Reports when the primary noticed the loss and when a new backup was in sync."})
    void restartBackup(@Parameters(paramLabel = "VM") String vm) throws InterruptedException {
        Ftctl root = Ftctl.of(spec);
        AdminClient client = root.client();
        Progress progress = progress(root);
        JsonNode before = requireProtected(client, vm);
        String oldBackup = Views.text(before, "backup");
        long backupSince = before.path("backupSince").asLong();
        client.withTimeout(CRASH_TIMEOUT).onHost(adminOf(client, oldBackup), "POST",
                "/local/vms/" + AdminClient.vmId(vm) + "/crash", Map.of("role", "backup"));
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long lossNoticed = -1;
        JsonNode now = before;
        while (true) {
            if (System.nanoTime() > deadline) {
                progress.finish();
                throw new CliException(ExitCodes.TIMEOUT, "VM " + vm + " was not protected again within "
                        + timeout.toMillis() + " ms of killing its backup on " + oldBackup + "; last seen: "
                        + seen(now));
            }
            now = client.get("/vms/" + AdminClient.vmId(vm));
            if (now.path("status").asText().equals("STOPPED")) {
                progress.finish();
                throw new CliException(ExitCodes.FAILED, "VM " + vm + " stopped: " + Views.text(now, "reason"));
            }
            boolean replaced = now.path("backupSince").asLong() != backupSince;
            if (lossNoticed < 0 && (replaced || !now.path("status").asText().equals("PROTECTED"))) {
                lossNoticed = millisSince(t0);
            }
            if (replaced && now.path("status").asText().equals("PROTECTED")) {
                break;
            }
            new ProtectionWaiter(client, progress, timeout).show(now, lossNoticed < 0
                    ? "waiting for the primary to notice the loss" : "re-protecting", t0);
            Thread.sleep(lossNoticed < 0 ? POLL_MILLIS : ProtectionWaiter.POLL_MILLIS);
        }
        progress.finish();
        ObjectNode report = AdminClient.JSON.createObjectNode();
        report.put("vm", vm);
        report.put("oldBackup", oldBackup);
        report.put("newBackup", Views.text(now, "backup"));
        report.put("epoch", now.path("epoch").asLong());
        report.put("lossNoticedMs", lossNoticed);
        report.put("reprotectedMs", millisSince(t0));
        root.print(spec, report, out -> {
            out.println("restart-backup drill on " + vm + ": backup " + oldBackup + " killed; new backup "
                    + report.path("newBackup").asText() + " in sync at epoch " + report.path("epoch").asLong());
            Table t = new Table("STEP", "TIME");
            t.row("loss noticed (kill -> record changed)", report.path("lossNoticedMs").asLong() + " ms");
            t.row("protected again", report.path("reprotectedMs").asLong() + " ms");
            t.print(out);
        });
    }

    private JsonNode awaitProtected(AdminClient client, String vm, long afterEpoch, Progress progress, long t0)
            throws InterruptedException {
        return new ProtectionWaiter(client, progress, timeout).await(vm, v -> ProtectionWaiter.isProtected(v)
                && v.path("backupSince").asLong() > afterEpoch, "re-protecting", "protected again after failing over",
                afterEpoch, t0);
    }

    private static String seen(JsonNode vm) {
        return ProtectionWaiter.seen(vm);
    }

    private static JsonNode requireProtected(AdminClient client, String vm) {
        JsonNode d = client.get("/vms/" + AdminClient.vmId(vm));
        if (!d.path("status").asText().equals("PROTECTED")) {
            throw new CliException(ExitCodes.FAILED, "VM " + vm + " is " + Views.text(d, "protection") + " ("
                    + Views.text(d, "reasonCode") + ": " + Views.text(d, "reason")
                    + "); a drill needs a protected VM");
        }
        return d;
    }

    /** The admin endpoint of {@code host}, from the cluster's status. */
    static String adminOf(AdminClient client, String host) {
        for (JsonNode h : client.get("/status").path("hosts")) {
            if (host.equals(Views.text(h, "id"))) {
                String admin = Views.text(h, "admin");
                if (admin == null) {
                    throw new CliException(ExitCodes.FAILED, "host " + host + " has no admin endpoint (adminPort "
                            + "is not set in its config)");
                }
                return admin;
            }
        }
        throw new CliException(ExitCodes.FAILED, "host " + host + " is not live");
    }

    private Progress progress(Ftctl root) {
        return Progress.of(spec, root);
    }

    private static long millisSince(long t0) {
        return ProtectionWaiter.millisSince(t0);
    }
}
