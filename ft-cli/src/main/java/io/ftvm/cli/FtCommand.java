package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ftctl ft on|off|suspend|resume VM}: a VM's fault tolerance (the cluster manager acts on it). */
@Command(name = "ft", mixinStandardHelpOptions = true, subcommands = CommandLine.HelpCommand.class,
        description = {"Fault tolerance of a VM:",
            "  on       keep a backup in lockstep (the manager places one)",
            "  off      run alone; the backup is dropped",
            "  suspend  drop the backup for now, keep fault tolerance configured",
            "  resume   end a suspension: a backup is placed again"})
final class FtCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--wait", scope = CommandLine.ScopeType.INHERIT,
            description = "on, resume: wait until a backup is in sync, with a progress bar of its snapshot")
    private boolean wait;

    @Option(names = "--timeout", scope = CommandLine.ScopeType.INHERIT, defaultValue = "120s",
            converter = Ftctl.DurationConverter.class,
            description = "how long --wait waits (default: ${DEFAULT-VALUE})")
    private Duration timeout;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: on, off, suspend, resume");
    }

    @Command(name = "on", mixinStandardHelpOptions = true, description = "Turn fault tolerance on.")
    void on(@Parameters(paramLabel = "VM") String vm) throws InterruptedException {
        act(vm, "on");
    }

    @Command(name = "off", mixinStandardHelpOptions = true, description = "Turn fault tolerance off.")
    void off(@Parameters(paramLabel = "VM") String vm) throws InterruptedException {
        act(vm, "off");
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Suspend fault tolerance.")
    void suspend(@Parameters(paramLabel = "VM") String vm) throws InterruptedException {
        act(vm, "suspend");
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume suspended fault tolerance.")
    void resume(@Parameters(paramLabel = "VM") String vm) throws InterruptedException {
        act(vm, "resume");
    }

    private void act(String vm, String action) throws InterruptedException {
        if (wait && !action.equals("on") && !action.equals("resume")) {
            throw new CliException(ExitCodes.USAGE, "--wait goes with ft on and ft resume (there is nothing to wait"
                    + " for after ft " + action + ")");
        }
        Ftctl root = Ftctl.of(spec);
        long t0 = System.nanoTime();
        JsonNode posted = root.client().post("/vms/" + AdminClient.vmId(vm) + "/ft", Map.of("action", action));
        if (wait && "STOPPED".equals(Views.text(posted, "status"))) {
            throw new CliException(ExitCodes.FAILED, "fault tolerance of " + vm + " is " + Views.text(posted,
                    "faultTolerance") + ", but the VM is not running: nothing to wait for (ftctl vm start " + vm
                    + " --wait starts it and waits until it is protected)");
        }
        JsonNode r = !wait ? posted
                : new ProtectionWaiter(root.client(), Progress.of(spec, root), timeout).awaitProtected(vm, posted, t0);
        root.print(spec, r, out -> out.println("fault tolerance of " + vm + ": " + Views.text(r, "faultTolerance")
                + "; now " + Views.text(r, "status") + ", " + Views.text(r, "protection") + " ("
                + Views.text(r, "reason") + ")"));
    }
}
