package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Table renderings of the admin API's answers, shared by the commands. */
final class Views {
    private Views() {
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A figure of the VM's primary or backup host ({@code primaryHost.primary.mips}), or null. */
    static JsonNode figure(JsonNode vm, String hostKey, String roleKey, String field) {
        JsonNode v = vm.path(hostKey).path(roleKey).get(field);
        return v == null || v.isNull() ? null : v;
    }

    static String bandwidth(JsonNode vm) {
        JsonNode b = figure(vm, "primaryHost", "primary", "logBytesPerSecond");
        if (b == null) {
            return null;
        }
        double bits = b.asDouble() * 8;
        return bits >= 1e6 ? String.format("%.1f Mbit/s", bits / 1e6) : String.format("%.0f kbit/s", bits / 1e3);
    }

    static String lag(JsonNode vm) {
        JsonNode s = figure(vm, "backupHost", "backup", "lagSeconds");
        JsonNode i = figure(vm, "backupHost", "backup", "lagInstructions");
        if (s == null && i == null) {
            return null;
        }
        return (s == null ? "?" : String.format("%.3f s", s.asDouble())) + " (" + (i == null ? "?" : i.asLong())
                + " instr)";
    }

    static void vmTable(PrintWriter out, JsonNode vms, boolean figures) {
        Table t = figures
                ? new Table("VM", "STATUS", "PROTECTION", "REASON", "PRIMARY", "BACKUP", "EPOCH", "LAG", "LOG BW")
                : new Table("VM", "STATUS", "PROTECTION", "REASON", "PRIMARY", "BACKUP", "EPOCH");
        for (JsonNode vm : vms) {
            if (figures) {
                t.row(text(vm, "id"), text(vm, "status"), text(vm, "protection"), text(vm, "reasonCode"),
                        text(vm, "primary"), text(vm, "backup"), text(vm, "epoch"), lag(vm), bandwidth(vm));
            } else {
                t.row(text(vm, "id"), text(vm, "status"), text(vm, "protection"), text(vm, "reasonCode"),
                        text(vm, "primary"), text(vm, "backup"), text(vm, "epoch"));
            }
        }
        t.print(out);
    }

    static void describe(PrintWriter out, JsonNode vm) {
        Table t = new Table("FIELD", "VALUE");
        for (String f : new String[] {"id", "image", "memoryMib", "faultTolerance", "status", "protection",
            "reasonCode", "reason", "epoch", "primary", "primarySince", "backup", "backupSince", "lastChange"}) {
            t.row(f, text(vm, f));
        }
        JsonNode m = vm.path("machine");
        if (m.isObject()) {
            for (String f : new String[] {"kernel", "initrd", "cmdline", "firmware", "entropy"}) {
                t.row("machine." + f, text(m, f));
            }
            int i = 0;
            for (JsonNode d : m.path("disks")) {
                t.row("machine.disk" + i++, text(d, "image") + (d.path("readOnly").asBoolean() ? " (read-only)" : ""));
            }
            for (JsonNode c : m.path("nics")) {
                t.row("machine.nic", text(c, "mac") + " on " + text(c, "backend"));
            }
        }
        t.row("backupLag", lag(vm));
        t.row("logBandwidth", bandwidth(vm));
        JsonNode p = vm.path("primaryHost").path("primary");
        if (!p.isMissingNode()) {
            t.row("primary.state", text(p, "state"));
            t.row("primary.mips", text(p, "mips"));
            t.row("primary.icount", text(p, "icount"));
            t.row("primary.ackLatencyP50Ms", text(p, "ackLatencyP50Ms"));
            t.row("primary.outputHoldP99Ms", text(p, "outputHoldP99Ms"));
        }
        JsonNode b = vm.path("backupHost").path("backup");
        if (!b.isMissingNode()) {
            t.row("backup.state", text(b, "state"));
            t.row("backup.mips", text(b, "mips"));
            t.row("backup.icount", text(b, "icount"));
            long size = b.path("snapshotSizeBytes").asLong();
            if (size > 0) {
                t.row("backup.snapshot", b.path("snapshotReceivedBytes").asLong() + " / " + size + " bytes");
            }
        }
        t.print(out);
    }
}
