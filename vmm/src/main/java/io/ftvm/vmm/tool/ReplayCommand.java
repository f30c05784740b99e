package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.replay.ReplayDriver;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftvm replay FILE}: re-executes a recording exactly, printing the guest console on stdout, checking every
 * digest, and reporting the final instruction count and digest on stderr. A recording that starts from a snapshot
 * (a VM's live log fetched from ftd) restores it instead of booting; its console output starts there.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a recording made with 'ftvm run --record': console on stdout, every digest verified, "
                + "final icount and digest on stderr.")
public final class ReplayCommand implements Callable<Integer> {
    static final int EXIT_DIVERGED = 5;

    @Parameters(index = "0", paramLabel = "FILE", description = "recording file")
    Path file;

    @Option(names = "--to", paramLabel = "ICOUNT", description = "stop after exactly ICOUNT instructions")
    Long to;

    @picocli.CommandLine.Mixin
    DiskOptions disks = new DiskOptions();

    @Option(names = "--interpret", description = "interpret every instruction (no block translation)")
    boolean interpret;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (to != null && to < 0) {
            err.println("ftvm replay: --to must not be negative: " + to);
            return 2;
        }
        RecordingFile.Contents rec;
        try {
            rec = RecordingFile.read(file);
        } catch (RecordingException e) {
            err.println("ftvm replay: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        if (rec.tornTailBytes() > 0) {
            err.println("ftvm replay: " + file + ": cut a torn tail of " + rec.tornTailBytes()
                    + " bytes (the recording ended abruptly); replaying the complete entries");
        }
        OutputStream console = new BufferedOutputStream(out, 1 << 16);
        java.util.List<io.ftvm.vmm.devices.virtio.DiskImage> images = java.util.List.of();
        if (rec.header().startsFromSnapshot()) {
            try {
                images = disks.open();
            } catch (DiskOptions.DiskOptionException e) {
                err.println("ftvm replay: " + e.getMessage());
                return 2;
            }
        }
        Machine machine;
        MemoryEventLog log;
        try {
            machine = RecordingStart.machine(file, rec, sink(console), new io.ftvm.vmm.board.Attachments(images));
            log = RecordingStart.log(file, rec);
        } catch (RecordingStart.StartException e) {
            DiskOptions.close(images);
            err.println("ftvm replay: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        machine.setTranslation(!interpret);
        if (rec.header().startsFromSnapshot()) {
            err.println("ftvm replay: " + file + ": starting from a snapshot at icount " + machine.icount()
                    + " (" + rec.header().imageName() + ")");
        }
        return replay(log, machine, console);
    }

    private static OutputSink sink(OutputStream console) {
        return (icount, offset, b) -> {
            try {
                console.write(b);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private int replay(MemoryEventLog log, Machine machine, OutputStream console)
            throws IOException, InterruptedException {
        ReplayDriver driver = new ReplayDriver(machine, log);
        try {
            ReplayDriver.Result r = driver.run(to == null ? Long.MAX_VALUE : to, 0);
            console.flush();
            err.printf("ftvm replay: %s at icount %d, digest %016x, %d digests verified%n",
                    describe(r), r.icount(), machine.digest(), r.digestsChecked());
            return 0;
        } catch (DivergenceException e) {
            console.flush();
            err.println("ftvm replay: " + e.getMessage());
            return EXIT_DIVERGED;
        }
    }

    private static String describe(ReplayDriver.Result r) {
        switch (r.outcome()) {
            case POWERED_OFF: return "the guest powered off (code " + r.exitCode() + ")";
            case REACHED_TARGET: return "stopped as asked";
            default: return "end of recording";
        }
    }
}
