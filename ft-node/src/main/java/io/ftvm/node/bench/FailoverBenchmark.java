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
 * processes (embedded ZooKeeper, three ftd hosts): failovers of the primary's ftd killed (SIGKILL) and crashed
 * (SIGSTOP), {@code n} of each (argument 1, default 20), to the record naming the new primary ({@code *_takeover})
 * and to the client's first output from it ({@code *_failover}); then a soak of {@code m} minutes (argument 2,
 * default 10; 0: none) under CPU and allocation pressure that counts failovers and backup drops no fault caused.
 * Before the failovers, N planned switchovers ({@code switchover_stall_*}: the client's gap between the last output
 * of the old primary and the first of the new), and with the kills {@code reprotect_after_kill_*} (kill to protected
 * again on the third host).
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
        if (args.length > 0 && args[0].equals("failovers")) { // only the cluster figures: failovers [N] [SOAK_MIN]
            failovers(dir.resolve("cluster"), args.length > 1 ? Integer.parseInt(args[1]) : 20,
                    args.length > 2 ? Integer.parseInt(args[2]) : 10);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("switchovers")) { // only the planned switchovers: switchovers [N]
            switchovers(dir.resolve("cluster"), args.length > 1 ? Integer.parseInt(args[1]) : 20);
            System.exit(0);
        }
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int soak = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        steadyState(dir.resolve("steady"));
        mips(dir.resolve("mips"));
        failovers(dir.resolve("cluster"), kills, soak);
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

    private static void failovers(Path dir, int n, int soakMinutes) throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            List<Double> stalls;
            try (ClusterFailovers f = new ClusterFailovers(cluster, "kv", ClusterFailovers.ANNOUNCED)) {
                stalls = f.switchovers(n);
            }
            try (ClusterFailovers f = new ClusterFailovers(cluster, "kv")) {
                ClusterFailovers.Figures kill = f.measure(ClusterFailovers.Fault.KILL, n);
                ClusterFailovers.Figures crash = f.measure(ClusterFailovers.Fault.CRASH, n);
                percentiles("switchover_stall", stalls);
                percentiles("reprotect_after_kill", kill.reprotectMs());
                percentiles("kill_failover", kill.failoverMs());
                percentiles("kill_takeover", kill.takeoverMs());
                percentiles("crash_failover", crash.failoverMs());
                percentiles("crash_takeover", crash.takeoverMs());
                if (soakMinutes > 0) {
                    long[] soak = f.soak(Duration.ofMinutes(soakMinutes));
                    System.out.printf(Locale.ROOT, "false_failovers_%dmin: %d%n", soakMinutes, soak[0]);
                    System.out.printf(Locale.ROOT, "false_backup_drops_%dmin: %d%n", soakMinutes, soak[1]);
                }
            }
        }
    }

    private static void switchovers(Path dir, int n) throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            try (ClusterFailovers f = new ClusterFailovers(cluster, "kv", ClusterFailovers.ANNOUNCED)) {
                percentiles("switchover_stall", f.switchovers(n));
            }
        }
        System.err.println("hosts' logs: " + dir);
    }

    private static void percentiles(String key, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        print(key + "_p50_ms", sorted.get(sorted.size() / 2));
        print(key + "_p99_ms", sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)));
    }

    private static void print(String key, double v) {
        System.out.printf(Locale.ROOT, "%s: %.3f%n", key, v);
    }
}
