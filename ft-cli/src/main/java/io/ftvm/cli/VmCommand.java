package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ftctl vm ...}: create, start, stop, list, describe and delete VMs. */
@Command(name = "vm", mixinStandardHelpOptions = true, description = "VM lifecycle.",
        subcommands = CommandLine.HelpCommand.class)
final class VmCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: create, start, stop, switchover, list, describe, delete");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a VM (stopped): a "
            + "bare-metal guest (--image, --memory-mib) or a Linux machine described by a VM description (--spec).")
    void create(@Parameters(paramLabel = "VM", description = "the VM's id") String vm,
            @Option(names = "--image", description = "guest image: a built-in guest (kvstore, hello) or "
                    + "an ELF file relative to every host's imageDir (no absolute paths, no '..')") String image,
            @Option(names = "--memory-mib", description = "guest RAM in MiB (with --image)") Long memory,
            @Option(names = "--spec", paramLabel = "VM.yaml", description = "a VM description (the YAML bin/ftvm run "
                    + "takes: kernel, initrd, cmdline, ram, disks, nics); its file names are images in every host's "
                    + "imageDir, and a NIC may have backend: bridge (the hosts' bridge)") java.nio.file.Path specFile,
            @Option(names = "--protection", defaultValue = "protected", description = "protected (fault tolerance "
                    + "on, the default) or none", converter = ProtectionConverter.class) String protection) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", AdminClient.vmId(vm));
        if (specFile != null) {
            if (image != null || memory != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--spec describes the whole machine: give it without --image and --memory-mib");
            }
            body.put("spec", readSpec(specFile));
        } else {
            if (image == null || memory == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give --spec VM.yaml, or --image and --memory-mib");
            }
            body.put("image", image);
            body.put("memoryMib", memory);
        }
        body.put("faultTolerance", protection);
        show(Ftctl.of(spec).client().post("/vms", body), "created");
    }

    private String readSpec(java.nio.file.Path file) {
        try {
            if (java.nio.file.Files.size(file) > 64 * 1024) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--spec " + file
                        + ": larger than 64 KiB; not a VM description");
            }
            return java.nio.file.Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--spec " + file + ": no such file");
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--spec " + file + ": cannot be read: "
                    + e.getMessage());
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a VM (the primary boots it; "
            + "with fault tolerance on, the cluster then places a backup).")
    void start(@Parameters(paramLabel = "VM") String vm,
            @Option(names = "--host", description = "the host to run the primary on (default: the roomiest)")
            String host,
            @Option(names = "--wait", description = "wait until the VM is protected (running, when fault tolerance "
                    + "is off), with a progress bar of the backup's snapshot") boolean wait,
            @Option(names = "--timeout", defaultValue = "120s", converter = Ftctl.DurationConverter.class,
                    description = "how long --wait waits (default: ${DEFAULT-VALUE})") Duration timeout)
            throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (host != null) {
            body.put("host", host);
        }
        Ftctl root = Ftctl.of(spec);
        long t0 = System.nanoTime();
        JsonNode started = root.client().post("/vms/" + AdminClient.vmId(vm) + "/start", body);
        if (wait) {
            started = new ProtectionWaiter(root.client(), Progress.of(spec, root), timeout).awaitSettled(vm, started,
                    t0);
        }
        show(started, "started");
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a VM (primary and backup halt).")
    void stop(@Parameters(paramLabel = "VM") String vm) {
        show(Ftctl.of(spec).client().post("/vms/" + AdminClient.vmId(vm) + "/stop", Map.of()), "stopped");
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true, description = {"Hand the primary role to the "
            + "in-sync backup (planned, e.g. before host maintenance): the VM pauses at a clean point, the backup "
            + "takes over at that very instruction, and clients carry on with nothing lost (no failure detection "
            + "delay).", "The old primary's host is free to take the new backup."})
    void switchover(@Parameters(paramLabel = "VM") String vm,
            @Option(names = "--timeout", defaultValue = "5s", converter = Ftctl.DurationConverter.class,
                    description = "give up (the VM runs on where it was) if the backup has not taken over within "
                            + "this time (default: ${DEFAULT-VALUE}; at most 60s)") Duration timeout,
            @Option(names = "--wait", description = "then wait until the VM is protected again") boolean wait)
            throws InterruptedException {
        if (timeout.isZero() || timeout.toMillis() > 60_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be in 1ms..60s, was "
                    + timeout);
        }
        Ftctl root = Ftctl.of(spec);
        AdminClient client = root.client();
        JsonNode before = client.get("/vms/" + AdminClient.vmId(vm));
        if (!before.path("status").asText().equals("PROTECTED")) {
            throw new CliException(ExitCodes.FAILED, "VM " + vm + " is " + Views.text(before, "protection") + " ("
                    + Views.text(before, "reasonCode") + ": " + Views.text(before, "reason")
                    + "); a switchover needs a protected VM");
        }
        String from = Views.text(before, "primary");
        long t0 = System.nanoTime();
        JsonNode done = client.withTimeout(timeout.plusSeconds(15)).onHost(DrillCommand.adminOf(client, from),
                "POST", "/local/vms/" + AdminClient.vmId(vm) + "/switchover", Map.of("timeoutMs", timeout.toMillis()));
        JsonNode after = client.get("/vms/" + AdminClient.vmId(vm));
        if (wait) {
            long epoch = after.path("primarySince").asLong();
            after = new ProtectionWaiter(client, Progress.of(spec, root), Duration.ofSeconds(120)).await(vm,
                    v -> ProtectionWaiter.isProtected(v) && v.path("backupSince").asLong() > epoch, "re-protecting",
                    "protected again after the switchover", epoch, t0);
        }
        com.fasterxml.jackson.databind.node.ObjectNode report = AdminClient.JSON.createObjectNode();
        report.put("vm", vm);
        report.put("from", from);
        report.put("to", Views.text(done, "to"));
        report.put("epoch", after.path("primarySince").asLong());
        report.put("icount", done.path("icount").asLong());
        report.put("pausedMs", done.path("pausedMs").asDouble());
        report.put("ackWaitMs", done.path("ackWaitMs").asDouble());
        report.put("status", Views.text(after, "status"));
        if (wait) {
            report.put("newBackup", Views.text(after, "backup"));
            report.put("reprotectedMs", ProtectionWaiter.millisSince(t0));
        }
        root.print(spec, report, out -> {
            out.println("switched " + vm + " over from " + from + " to " + report.path("to").asText() + " at icount "
                    + report.path("icount").asLong() + String.format(java.util.Locale.ROOT,
                            ": the VM stood still %.1f ms on %s (%.1f ms of it for the backup's last ACK)",
                            report.path("pausedMs").asDouble(), from, report.path("ackWaitMs").asDouble()));
            out.println(report.has("newBackup") ? "protected again with backup " + report.path("newBackup").asText()
                    + " after " + report.path("reprotectedMs").asLong() + " ms"
                    : "now " + report.path("status").asText() + "; the cluster places a new backup");
        });
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a stopped VM's record.")
    void delete(@Parameters(paramLabel = "VM") String vm) {
        Ftctl root = Ftctl.of(spec);
        JsonNode r = root.client().delete("/vms/" + AdminClient.vmId(vm));
        root.print(spec, r, out -> out.println("deleted " + vm));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the VMs.")
    void list() {
        Ftctl root = Ftctl.of(spec);
        JsonNode r = root.client().get("/vms");
        root.print(spec, r.path("vms"), out -> Views.vmTable(out, r.path("vms"), false));
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "One VM in full: spec, record, protection reason, live figures of its primary and backup.")
    void describe(@Parameters(paramLabel = "VM") String vm) {
        Ftctl root = Ftctl.of(spec);
        JsonNode r = root.client().get("/vms/" + AdminClient.vmId(vm));
        root.print(spec, r, out -> Views.describe(out, r));
    }

    private void show(JsonNode vm, String verb) {
        Ftctl.of(spec).print(spec, vm, out -> {
            out.println(verb + " " + Views.text(vm, "id") + ": " + Views.text(vm, "status") + ", "
                    + Views.text(vm, "protection") + " (" + Views.text(vm, "reason") + ")");
        });
    }

    /** protected | none. */
    static final class ProtectionConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "protected", "on" -> "PROTECTED";
                case "none", "off" -> "NONE";
                default -> throw new CommandLine.TypeConversionException("'" + s + "': use protected or none");
            };
        }
    }
}
