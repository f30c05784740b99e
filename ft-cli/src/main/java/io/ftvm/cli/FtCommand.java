package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: on, off, suspend, resume");
    }

    @Command(name = "on", mixinStandardHelpOptions = true, description = "Turn fault tolerance on.")
    void on(@Parameters(paramLabel = "VM") String vm) {
        act(vm, "on");
    }

    @Command(name = "off", mixinStandardHelpOptions = true, description = "Turn fault tolerance off.")
    void off(@Parameters(paramLabel = "VM") String vm) {
        act(vm, "off");
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Suspend fault tolerance.")
    void suspend(@Parameters(paramLabel = "VM") String vm) {
        act(vm, "suspend");
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume suspended fault tolerance.")
    void resume(@Parameters(paramLabel = "VM") String vm) {
        act(vm, "resume");
    }

    private void act(String vm, String action) {
        Ftctl root = Ftctl.of(spec);
        JsonNode r = root.client().post("/vms/" + AdminClient.vmId(vm) + "/ft", Map.of("action", action));
        root.print(spec, r, out -> out.println("fault tolerance of " + vm + ": " + Views.text(r, "faultTolerance")
                + "; now " + Views.text(r, "status") + ", " + Views.text(r, "protection") + " ("
                + Views.text(r, "reason") + ")"));
    }
}
