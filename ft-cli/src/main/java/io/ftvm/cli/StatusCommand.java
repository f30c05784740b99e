package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ftctl status}: the hosts, and every VM's protection with its reason, roles, epoch, lag and bandwidth. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Hosts, and every VM with its protection status and reason, primary and backup host, epoch, "
                + "backup lag and log bandwidth.")
final class StatusCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Ftctl root = Ftctl.of(spec);
        JsonNode s = root.client().get("/status");
        root.print(spec, s, out -> {
            out.println("cluster " + Views.text(s, "cluster") + " (answered by " + Views.text(s, "servedBy") + ")");
            out.println();
            Table hosts = new Table("HOST", "ZONE", "CONSOLE", "ADMIN", "CAPACITY MiB", "USED MiB", "VERSION");
            for (JsonNode h : s.path("hosts")) {
                hosts.row(Views.text(h, "id"), Views.text(h, "zone"), Views.text(h, "console"), Views.text(h, "admin"),
                        Views.text(h, "capacityMib"), Views.text(h, "usedMib"), Views.text(h, "version"));
            }
            hosts.print(out);
            out.println();
            if (s.path("vms").isEmpty()) {
                out.println("no VMs (create one: ftctl vm create NAME --image kvstore --memory-mib 64)");
            } else {
                Views.vmTable(out, s.path("vms"), true);
            }
        });
    }
}
