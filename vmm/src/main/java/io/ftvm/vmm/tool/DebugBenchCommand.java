package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.debug.ReplaySession;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.RecordingFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftvm bench-debug RECORDING}: what moving around a long recording costs the replay debugger, as
 * {@code key: value} lines: a reverse stepi at random points (after arriving there, and repeated), a seek to random
 * counts, a reverse-continue from the end to a breakpoint about halfway back (on the symbol {@code --symbol} of the
 * recorded image), and the checkpoints' peak memory.
 */
@Command(name = "bench-debug", mixinStandardHelpOptions = true,
        description = "Measure the replay debugger's costs on a recording (reverse stepi, seek, reverse-continue, "
                + "checkpoint memory).")
public final class DebugBenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RECORDING", description = "a recording of a boot (its image has symbols)")
    Path file;

    @Option(names = "--symbol", defaultValue = "milestone", description = "breakpoint for the reverse-continue")
    String symbol;

    @Option(names = "--samples", defaultValue = "30", description = "random points per figure")
    int samples;

    @Option(names = "--checkpoint-interval", defaultValue = "2000000")
    long interval;

    @Option(names = "--checkpoint-mib", defaultValue = "512")
    long checkpointMib;

    private long peakBytes;

    @Override
    public Integer call() throws IOException, InterruptedException {
        RecordingFile.Contents rec;
        Machine machine;
        MemoryEventLog log;
        long breakAt;
        try {
            rec = RecordingFile.read(file);
            machine = RecordingStart.machine(file, rec, (i, o, b) -> { }, new Attachments(List.of()));
            log = RecordingStart.log(file, rec);
            breakAt = ElfImage.parse(rec.header().imageName(), rec.header().image()).symbol(symbol)
                    .orElseThrow(() -> new IllegalArgumentException("the recorded image has no symbol " + symbol));
        } catch (RecordingException | RecordingStart.StartException | InvalidImageException
                | IllegalArgumentException e) {
            System.err.println("ftvm bench-debug: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        try {
            return measure(machine, log, breakAt);
        } catch (DivergenceException e) {
            System.err.println("ftvm bench-debug: the recording does not replay: " + e.getMessage());
            return ReplayCommand.EXIT_DIVERGED;
        }
    }

    private int measure(Machine machine, MemoryEventLog log, long breakAt)
            throws DivergenceException, InterruptedException {
        ReplaySession s = new ReplaySession(machine, log, interval, 256, checkpointMib << 20);
        long t0 = System.nanoTime();
        s.seek(s.endIcount());
        double firstPass = ms(System.nanoTime() - t0);
        sample(s);
        SplittableRandom random = new SplittableRandom(42);
        long span = s.endIcount() - s.startIcount();
        double[] reverse = new double[samples * 2];
        double[] seeks = new double[samples];
        for (int i = 0; i < samples; i++) {
            long at = s.startIcount() + 1 + random.nextLong(span - 1);
            long t = System.nanoTime();
            s.seek(at);
            seeks[i] = ms(System.nanoTime() - t);
            sample(s);
            t = System.nanoTime();
            s.stepBack();
            reverse[2 * i] = ms(System.nanoTime() - t);
            t = System.nanoTime();
            s.stepBack(); // the next step back, from the same neighbourhood
            reverse[2 * i + 1] = ms(System.nanoTime() - t);
            sample(s);
        }
        s.seek(s.endIcount());
        s.addBreakpoint(breakAt);
        long t = System.nanoTime();
        ReplaySession.Stop stop = s.continueBackward();
        double reverseContinue = ms(System.nanoTime() - t);
        sample(s);
        if (stop.kind() != ReplaySession.StopKind.BREAKPOINT) {
            System.err.println("ftvm bench-debug: reverse-continue ended with " + stop.kind() + ", not at " + symbol);
            return 1;
        }
        Arrays.sort(reverse);
        Arrays.sort(seeks);
        System.out.println("instructions: " + (s.endIcount() - s.startIcount()));
        System.out.printf(Locale.ROOT, "first_pass_ms: %.0f%n", firstPass);
        System.out.printf(Locale.ROOT, "reverse_stepi_p50_ms: %.1f%n", percentile(reverse, 0.50));
        System.out.printf(Locale.ROOT, "reverse_stepi_p99_ms: %.1f%n", percentile(reverse, 0.99));
        System.out.printf(Locale.ROOT, "seek_random_p50_ms: %.1f%n", percentile(seeks, 0.50));
        System.out.printf(Locale.ROOT, "reverse_continue_ms: %.0f%n", reverseContinue);
        System.out.printf(Locale.ROOT, "reverse_continue_distance: %d%n", s.endIcount() - stop.icount());
        System.out.printf(Locale.ROOT, "checkpoint_mib: %.1f%n", peakBytes / 1048576.0);
        System.out.printf(Locale.ROOT, "guest_ram_mib: %d%n", machine.config().ramBytes() >> 20);
        return 0;
    }

    private void sample(ReplaySession s) {
        peakBytes = Math.max(peakBytes, s.checkpointBytes());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
