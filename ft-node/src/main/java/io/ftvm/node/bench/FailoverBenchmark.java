package io.ftvm.node.bench;

import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.replication.console.Endpoint;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.primary.PrimaryRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bench/failover}: what protection costs and how fast failover is. In one process over loopback (primary and
 * backup of the kvstore guest): the latency the Output Rule adds to console output under a steady command stream,
 * the backup's replay lag, and the log's bit rate idle and busy; cpubench protected against unprotected. With real
 * processes (embedded ZooKeeper, three ftd hosts): SIGKILL of the primary's ftd to the first console output from
 * the new primary, over {@code kills} failovers (argument 1, default 20).
 */
public final class FailoverBenchmark {
    private FailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("ftvm-bench-failover-");
        if (args.length > 0 && args[0].equals("steady")) {
            steadyState(dir.resolve("steady")); // only the in-process steady-state figures
            System.exit(0);
        }
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        steadyState(dir.resolve("steady"));
        mips(dir.resolve("mips"));
        failovers(dir.resolve("cluster"), kills);
        System.exit(0);
    }

    private static void steadyState(Path dir) throws Exception {
        steadyState(dir.resolve("tls"), true);
        steadyState(dir.resolve("plain"), false);
    }

    /** With TLS (the default), every figure; without, the Output Rule's for comparison ({@code *_plain}). */
    private static void steadyState(Path dir, boolean tls) throws Exception {
        List<Long> rule = Collections.synchronizedList(new ArrayList<>());
        try (InProcessPair pair = new InProcessPair("kvstore", 64, dir, true, tls, rule::add)) {
            Thread.sleep(1000);
            long b0 = pair.backup.replicationStats().bytesReceived();
            long t0 = System.nanoTime();
            Thread.sleep(3000);
            double idle = (pair.backup.replicationStats().bytesReceived() - b0) * 8.0 / ((System.nanoTime() - t0) / 1e9);
            rule.clear();
            List<Double> lags = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread lagProbe = new Thread(() -> {
                while (running.get()) {
                    long target = pair.primary.machine().icount();
                    long s = System.nanoTime();
                    while (pair.backup.icount() < target && running.get()) {
                        Thread.onSpinWait();
                    }
                    lags.add((System.nanoTime() - s) / 1e6);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "lag-probe");
            lagProbe.start();
            long input = 0;
            b0 = pair.backup.replicationStats().bytesReceived();
            t0 = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                byte[] line = ((i % 3 == 0 ? "incr n " + i : i % 3 == 1 ? "count" : "sum") + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
                input = pair.primary.offerInput(input, line);
                Thread.sleep(10);
            }
            double busy = (pair.backup.replicationStats().bytesReceived() - b0) * 8.0 / ((System.nanoTime() - t0) / 1e9);
            running.set(false);
            lagProbe.join();
            List<Long> us = new ArrayList<>();
            synchronized (rule) {
                for (long ns : rule) {
                    us.add(ns / 1000);
                }
            }
            Collections.sort(us);
            List<Double> lag = new ArrayList<>(lags);
            Collections.sort(lag);
            if (!tls) {
                print("output_rule_p50_us_plain", us.get(us.size() / 2));
                print("output_rule_p99_us_plain", us.get((int) (us.size() * 0.99)));
                return;
            }
            print("output_rule_p50_us", us.get(us.size() / 2));
            print("output_rule_p99_us", us.get((int) (us.size() * 0.99)));
            print("backup_lag_p99_ms", lag.get((int) (lag.size() * 0.99)));
            print("log_mbit_s_idle", idle / 1e6);
            print("log_mbit_s_busy", busy / 1e6);
            print("join_snapshot_pause_ms", pair.primary.lastSnapshotPauseNanos() / 1e6);
        }
    }

    /** cpubench's instructions per second from the moment it runs (protected: once the backup is in sync). */
    private static double runCpubench(Path dir, boolean protect) throws Exception {
        try (InProcessPair pair = new InProcessPair("cpubench", 64, dir, protect, ns -> { })) {
            long i0 = pair.primary.machine().icount();
            long t0 = System.nanoTime();
            InProcessPair.await(() -> pair.primary.state() == PrimaryRole.State.STOPPED, "cpubench to finish");
            return (pair.primary.lastResult().icount() - i0) / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void mips(Path dir) throws Exception {
        runCpubench(dir.resolve("warm"), false); // JIT warm-up
        double plain = runCpubench(dir.resolve("u"), false);
        double prot = runCpubench(dir.resolve("p"), true);
        print("protected_over_unprotected_mips", prot / plain);
    }

    private static void failovers(Path dir, int kills) throws Exception {
        List<Double> times = new ArrayList<>();
        Random random = new Random(7);
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            long[] firstAfter = {0};
            Endpoint[] victimConsole = {null};
            ConsoleClient[] holder = new ConsoleClient[1];
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv")
                    .withBackoff(Duration.ofMillis(5), Duration.ofMillis(50)),
                    (offset, bytes) -> {
                        Endpoint at = holder[0] == null ? null : holder[0].connectedTo();
                        synchronized (firstAfter) {
                            if (firstAfter[0] == 0 && victimConsole[0] != null && at != null
                                    && !at.equals(victimConsole[0])) {
                                firstAfter[0] = System.nanoTime();
                            }
                        }
                    }, e -> { })) {
                holder[0] = client;
                AtomicBoolean sending = new AtomicBoolean(true);
                Thread feeder = new Thread(() -> {
                    while (sending.get()) {
                        try {
                            client.send("count\n".getBytes(StandardCharsets.US_ASCII));
                            Thread.sleep(10);
                        } catch (InterruptedException | IllegalStateException e) {
                            return;
                        }
                    }
                }, "feeder");
                feeder.start();
                for (int k = 0; k < kills; k++) {
                    VersionedState s = cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED,
                            Duration.ofSeconds(60));
                    Thread.sleep(200 + random.nextInt(300));
                    String victim = s.state().primary();
                    HostInfo info = cluster.host(victim).orElseThrow();
                    synchronized (firstAfter) {
                        firstAfter[0] = 0;
                        victimConsole[0] = Endpoint.parse(info.address());
                    }
                    long t0 = System.nanoTime();
                    cluster.kill(victim);
                    long deadline = t0 + 30_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        synchronized (firstAfter) {
                            if (firstAfter[0] != 0) {
                                break;
                            }
                        }
                        Thread.sleep(1);
                    }
                    synchronized (firstAfter) {
                        if (firstAfter[0] == 0) {
                            throw new IllegalStateException("no output from a new primary after killing " + victim);
                        }
                        times.add((firstAfter[0] - t0) / 1e6);
                        victimConsole[0] = null;
                    }
                    cluster.start(victim);
                }
                sending.set(false);
                feeder.join(5_000);
            }
        }
        Collections.sort(times);
        print("failover_p50_ms", times.get(times.size() / 2));
        print("failover_p99_ms", times.get(Math.min(times.size() - 1, (int) Math.ceil(times.size() * 0.99) - 1)));
    }

    private static void print(String key, double v) {
        System.out.printf(Locale.ROOT, "%s: %.3f%n", key, v);
    }
}
