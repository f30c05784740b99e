package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftvm bench IMAGE}: runs an image repeatedly in fresh machines in one JVM and prints guest MIPS (median of
 * the measured runs after warm-up runs) as {@code key: value} lines. The console output is discarded.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure guest MIPS on an image (median of several runs after warm-up), with block "
                + "translation (mips) and with the interpreter alone (mips_interpreter).")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE")
    Path image;

    @Option(names = "--warmup", defaultValue = "2", description = "unmeasured runs (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "5", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--max-instructions", defaultValue = "20000000000",
            description = "give up after this many instructions per run")
    long maxInstructions;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (runs < 1) {
            System.err.println("ftvm bench: --runs must be at least 1: " + runs);
            return 2;
        }
        if (warmup < 0) {
            System.err.println("ftvm bench: --warmup must not be negative: " + warmup);
            return 2;
        }
        if (maxInstructions < 1) {
            System.err.println("ftvm bench: --max-instructions must be positive: " + maxInstructions);
            return 2;
        }
        ElfImage elf;
        try {
            elf = ImageFiles.read(image);
        } catch (ImageFiles.ImageReadException e) {
            System.err.println("ftvm bench: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        double[] translated = measure(elf, true);
        double[] interpreted = measure(elf, false);
        if (translated == null || interpreted == null) {
            return 1;
        }
        out.printf(Locale.ROOT, "instructions: %d%n", instructions);
        out.printf(Locale.ROOT, "mips: %.1f%n", translated[runs / 2]);
        out.printf(Locale.ROOT, "mips_min: %.1f%n", translated[0]);
        out.printf(Locale.ROOT, "mips_max: %.1f%n", translated[runs - 1]);
        out.printf(Locale.ROOT, "mips_interpreter: %.1f%n", interpreted[runs / 2]);
        return 0;
    }

    private long instructions;

    /** Sorted MIPS of the measured runs, or null (with a message) if the guest does not pass. */
    private double[] measure(ElfImage elf, boolean translate) {
        double[] mips = new double[runs];
        for (int i = 0; i < warmup + runs; i++) {
            Machine m = new Machine(MachineConfig.defaults(), (ic, off, b) -> { });
            m.setTranslation(translate);
            try {
                m.load(elf);
            } catch (InvalidImageException e) {
                System.err.println("ftvm bench: " + e.getMessage());
                return null;
            }
            long t0 = System.nanoTime();
            RunResult r = runToPowerOff(m);
            long t1 = System.nanoTime();
            if (r.reason() != RunResult.Reason.POWER_OFF || r.exitCode() != 0) {
                System.err.println("ftvm bench: the guest did not pass: " + r);
                return null;
            }
            instructions = r.icount();
            if (i >= warmup) {
                mips[i - warmup] = instructions / ((t1 - t0) / 1e3);
            }
        }
        Arrays.sort(mips);
        return mips;
    }

    private RunResult runToPowerOff(Machine m) {
        return m.runSkippingIdle(maxInstructions);
    }
}
