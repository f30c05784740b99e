package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.replay.DiscardingEventLog;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.InputSource;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.replay.RecordingHeader;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ftvm bench-replay}: the costs of record/replay, as {@code key: value} lines: record overhead and replay
 * speed on the CPU benchmark guest, log volume of the service guest under a scripted load, digest time, and
 * snapshot save/restore of a 256 MiB machine.
 */
@Command(name = "bench-replay", mixinStandardHelpOptions = true,
        description = "Measure record/replay costs (record overhead, replay speed, log volume, digest, snapshots).")
public final class ReplayBenchCommand implements Callable<Integer> {

    @Option(names = "--cpu-image", required = true, description = "CPU benchmark guest (cpubench.elf)")
    Path cpuImage;

    @Option(names = "--service-image", required = true, description = "service guest (kvstore.elf)")
    Path serviceImage;

    @Option(names = "--service-input", required = true, description = "scripted load for the service guest")
    Path serviceInput;

    @Option(names = "--runs", defaultValue = "5", description = "measured runs per figure (default ${DEFAULT-VALUE})")
    int runs;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            System.err.println("ftvm bench-replay: --runs must be at least 1: " + runs);
            return 2;
        }
        ElfImage cpu;
        ElfImage service;
        byte[] script;
        try {
            cpu = ImageFiles.read(cpuImage);
            service = ImageFiles.read(serviceImage);
            script = ImageFiles.readBytes(serviceInput);
        } catch (ImageFiles.ImageReadException e) {
            System.err.println("ftvm bench-replay: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        // Warm up the JIT on both paths before measuring anything.
        plainRun(cpu);
        recordRun(cpu, new DiscardingEventLog());

        double[] plain = new double[runs];
        double[] recorded = new double[runs];
        double[] replayRatio = new double[runs];
        for (int i = 0; i < runs; i++) {
            plain[i] = plainRun(cpu);
            recorded[i] = recordRun(cpu, new DiscardingEventLog());
            MemoryEventLog log = new MemoryEventLog();
            double rec = recordRun(cpu, log);
            log.close();
            replayRatio[i] = rec / replayRun(cpu, log);
        }
        print("record_overhead_pct", (median(recorded) / median(plain) - 1) * 100);
        print("replay_over_record", median(replayRatio));
        double[] log = logFigures(service, script);
        print("log_bytes_per_guest_second", log[0]);
        print("log_bytes", log[1]);
        print("log_guest_seconds", log[2]);
        print("digest_us", digestMicros(cpu));
        double[] snap = snapshotMillis();
        print("snapshot_save_ms_256mib", snap[0]);
        print("snapshot_restore_ms_256mib", snap[1]);
        return 0;
    }

    private static void print(String key, double v) {
        System.out.printf(Locale.ROOT, "%s: %.2f%n", key, v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static Machine machine(ElfImage image, MachineConfig config) throws InvalidImageException {
        Machine m = new Machine(config, OutputSink.DISCARD);
        m.load(image);
        return m;
    }

    /** Seconds for a plain run to power-off (idle skipped). */
    private static double plainRun(ElfImage image) throws InvalidImageException {
        Machine m = machine(image, MachineConfig.defaults());
        long t0 = System.nanoTime();
        m.runSkippingIdle(Long.MAX_VALUE);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double recordRun(ElfImage image, EventLog log) throws Exception {
        Machine m = machine(image, MachineConfig.defaults());
        long t0 = System.nanoTime();
        new RecordDriver(m, log, InputSource.NONE, RecordConfig.defaults(), WallClock.SYSTEM,
                RecordDriver.Throttle.NONE).run(Long.MAX_VALUE);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double replayRun(ElfImage image, EventLog log) throws Exception {
        Machine m = machine(image, MachineConfig.defaults());
        long t0 = System.nanoTime();
        ReplayDriver.Result r = new ReplayDriver(m, log).run(Long.MAX_VALUE, 0);
        if (r.outcome() != ReplayDriver.Outcome.POWERED_OFF) {
            throw new DivergenceException(r.icount(), "replay did not reach the power-off", "POWERED_OFF",
                    r.outcome().toString());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Recording-file bytes per second of guest time for the service guest fed its script in real time. */
    /** The service session's log: bytes per guest second, bytes, guest seconds. */
    private double[] logFigures(ElfImage image, byte[] script) throws Exception {
        Machine m = machine(image, MachineConfig.defaults());
        Path file = Files.createTempFile("ftvm-bench", ".rec");
        try {
            RecordingHeader header = new RecordingHeader(MachineConfig.DEFAULT_RAM,
                    MachineConfig.DEFAULT_INSTRUCTIONS_PER_TICK, "service", new byte[0]);
            long headerBytes;
            try (RecordingFile.Writer w = RecordingFile.create(file, header)) {
                headerBytes = Files.size(file);
                QueueInputSource input = new QueueInputSource();
                input.feed(script);
                input.end();
                new RecordDriver(m, w, input, RecordConfig.defaults(), WallClock.SYSTEM,
                        RecordDriver.Throttle.NONE).run(Long.MAX_VALUE);
            }
            double guestSeconds = m.time().now() / (double) MachineConfig.TIMEBASE_HZ;
            double bytes = Files.size(file) - headerBytes;
            return new double[] {bytes / guestSeconds, bytes, guestSeconds};
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Median microseconds of a digest taken every million instructions of the CPU benchmark. */
    private double digestMicros(ElfImage image) throws InvalidImageException {
        Machine m = machine(image, MachineConfig.defaults());
        m.digest();
        double[] us = new double[100];
        for (int i = 0; i < us.length; i++) {
            m.runUntil(m.icount() + 1_000_000);
            long t0 = System.nanoTime();
            m.digest();
            us[i] = (System.nanoTime() - t0) / 1e3;
        }
        return median(us);
    }

    /** Save and restore times (ms) of a 256 MiB machine whose RAM is entirely non-zero, through a file. */
    private double[] snapshotMillis() throws IOException, SnapshotException {
        Machine m = new Machine(MachineConfig.defaults().withRam(256L << 20), OutputSink.DISCARD);
        new Random(1).nextBytes(m.ram().array());
        Path file = Files.createTempFile("ftvm-bench", ".snap");
        try {
            double[] save = new double[runs];
            double[] restore = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                try (OutputStream out = Files.newOutputStream(file)) {
                    SnapshotFile.write(m, out);
                }
                long t1 = System.nanoTime();
                try (InputStream in = Files.newInputStream(file)) {
                    SnapshotFile.read(in, OutputSink.DISCARD);
                }
                long t2 = System.nanoTime();
                save[i] = (t1 - t0) / 1e6;
                restore[i] = (t2 - t1) / 1e6;
            }
            return new double[] {median(save), median(restore)};
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
