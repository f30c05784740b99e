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
            Table hosts = new Table("HOST", "ZONE", "TLS", "CONSOLE", "ADMIN", "CAPACITY MiB", "USED MiB", "VERSION");
            java.util.List<String> plain = new java.util.ArrayList<>();
            for (JsonNode h : s.path("hosts")) {
                boolean tls = h.path("tls").asBoolean(false);
                if (!tls) {
                    plain.add(Views.text(h, "id"));
                }
                hosts.row(Views.text(h, "id"), Views.text(h, "zone"), tls ? "on" : "OFF", Views.text(h, "console"),
                        Views.text(h, "admin"), Views.text(h, "capacityMib"), Views.text(h, "usedMib"),
                        Views.text(h, "version"));
            }
            hosts.print(out);
            if (!plain.isEmpty()) {
                out.println();
                out.println("WARNING: TLS is OFF on " + String.join(", ", plain) + ": replication runs without "
                        + "encryption and certificate checks (set tls in ftd.yaml; Ansible: ftvm_tls_enabled)");
            }
            out.println();
            if (s.path("vms").isEmpty()) {
                out.println("no VMs (create one: ftctl vm create NAME --image kvstore --memory-mib 64)");
            } else {
                Views.vmTable(out, s.path("vms"), true);
            }
        });
    }
}
