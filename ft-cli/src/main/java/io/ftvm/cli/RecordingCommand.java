package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ftctl recording fetch VM -f FILE}: the VM's live log as a recording that {@code ftvm replay} replays. */
@Command(name = "recording", mixinStandardHelpOptions = true, subcommands = CommandLine.HelpCommand.class,
        description = "Recordings of running VMs (record/replay debugging).")
final class RecordingCommand implements Runnable {
    private static final byte[] MAGIC = "FTVMREC1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: fetch");
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Save the VM's log so far, from its primary, as a recording file.",
                "Replay it with: ftvm replay FILE (bin/ftvm of the distribution or of a checkout)"})
    void fetch(@Parameters(paramLabel = "VM") String vm,
            @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "where to save it")
            Path file,
            @Option(names = "--force", description = "overwrite FILE if it exists") boolean force) throws IOException {
        Ftctl root = Ftctl.of(spec);
        AdminClient client = root.client();
        if (Files.exists(file) && !force) {
            throw new CliException(ExitCodes.USAGE, file + " exists (use --force to overwrite)");
        }
        JsonNode d = client.get("/vms/" + AdminClient.vmId(vm));
        String primary = Views.text(d, "primary");
        if (primary == null) {
            throw new CliException(ExitCodes.FAILED, "VM " + vm + " is not running: no live log to fetch");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        long bytes;
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                bytes = client.download(DrillCommand.adminOf(client, primary), "/local/vms/" + AdminClient.vmId(vm) + "/recording",
                        out);
            }
            try (InputStream in = Files.newInputStream(tmp)) {
                byte[] head = in.readNBytes(MAGIC.length);
                if (!Arrays.equals(head, MAGIC)) {
                    throw new CliException(ExitCodes.FAILED, "the primary " + primary + " sent something that is "
                            + "not a recording (" + bytes + " bytes)");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        ObjectNode report = AdminClient.JSON.createObjectNode();
        report.put("vm", vm);
        report.put("primary", primary);
        report.put("file", file.toString());
        report.put("bytes", bytes);
        root.print(spec, report, out -> out.println("saved " + bytes + " bytes of VM " + vm + "'s log (from "
                + primary + ") to " + file + "; replay it with: ftvm replay " + file));
    }
}
