package io.ftvm.coordinator.bench;

import io.ftvm.coordinator.ClusterManager;
import io.ftvm.coordinator.CoordinatorClient;
import io.ftvm.coordinator.CoordinatorConfig;
import io.ftvm.coordinator.Credentials;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.HostMembership;
import io.ftvm.coordinator.HostRegistry;
import io.ftvm.coordinator.ReconcilePlanner;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmCatalog;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * {@code bench/coordinator}: the coordinator on a local 3-server ZooKeeper ensemble (in this JVM, loopback), printing
 * {@code key: value} lines on stdout:
 * <ul>
 *   <li>{@code takeover_cas_p50_ms}, {@code takeover_cas_p99_ms}: one takeover compare-and-set (from the state the
 *       backup holds, as {@code VmRecords.transition(expected, TakeOver)}), 500 measured after 100 warm-up;</li>
 *   <li>{@code placement_1000_vms_ms}: a cluster manager starting on a cluster of 100 hosts with 1,000 running,
 *       unprotected VMs, until every one has a backup assigned (includes the latch and reading all records);</li>
 *   <li>{@code storm_100_vms_ms}: 100 protected VMs whose primaries are on one host; from that host's session
 *       ending until every VM runs on its former backup (each backup's takeover CAS, started by the host
 *       registry's watch as a stand-in for heartbeat silence) and has a new backup assigned by the manager.</li>
 * </ul>
 */
public final class CoordinatorBenchmark {
    private static final Credentials CRED = new Credentials("ftvm", "bench");
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private CoordinatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (LocalEnsemble zk = new LocalEnsemble(3)) {
            String connect = zk.connectString();
            double[] takeover = takeoverCas(connect);
            long placement = placement(connect);
            long storm = storm(connect);
            System.out.printf(Locale.ROOT, "takeover_cas_p50_ms: %.2f%n", takeover[0]);
            System.out.printf(Locale.ROOT, "takeover_cas_p99_ms: %.2f%n", takeover[1]);
            System.out.printf(Locale.ROOT, "placement_1000_vms_ms: %d%n", placement);
            System.out.printf(Locale.ROOT, "storm_100_vms_ms: %d%n", storm);
        }
        System.exit(0); // ZooKeeper's server threads
    }

    private static CoordinatorClient client(String connect, String cluster) {
        CoordinatorConfig cfg = CoordinatorConfig.of(connect, cluster, CRED)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30))
                .withManagerRetryInterval(Duration.ofSeconds(1));
        return new CoordinatorClient(cfg).start();
    }

    private static VmSpec spec(long mib) {
        return new VmSpec("bench.elf", mib, List.of("uart"), DesiredProtection.PROTECTED);
    }

    private static double[] takeoverCas(String connect) {
        try (CoordinatorClient c = client(connect, "bench-cas")) {
            VmRecords records = new VmRecords(c);
            records.create("vm", spec(512));
            VersionedState s = records.transition("vm", 0, new Transition.Start("host-a")).state();
            int warmup = 100;
            int measured = 500;
            double[] ms = new double[measured];
            for (int i = 0; i < warmup + measured; i++) {
                String primary = s.state().primary();
                String backup = primary.equals("host-a") ? "host-b" : "host-a";
                s = records.transition(s, new Transition.AssignBackup(backup)).state();
                s = records.transition(s, new Transition.BackupInSync(backup)).state();
                long t0 = System.nanoTime();
                var outcome = records.transition(s, new Transition.TakeOver(backup));
                long t1 = System.nanoTime();
                if (!outcome.won()) {
                    throw new IllegalStateException("uncontended takeover lost: " + outcome);
                }
                s = outcome.state();
                if (i >= warmup) {
                    ms[i - warmup] = (t1 - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            return new double[] {ms[measured / 2], ms[(int) Math.ceil(measured * 0.99) - 1]};
        }
    }

    private static long placement(String connect) throws Exception {
        String cluster = "bench-place";
        int hosts = 100;
        int vms = 1000;
        List<CoordinatorClient> clients = new ArrayList<>();
        List<HostRegistry> registrations = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(client(connect, cluster));
            }
            for (int h = 0; h < hosts; h++) {
                registrations.add(HostRegistry.register(clients.get(h % 4),
                        new HostInfo(host(h), "127.0.0.1:" + (20000 + h), 64 * 1024, "bench")));
            }
            VmRecords records = new VmRecords(clients.get(0));
            parallel(vms, i -> {
                String vm = "vm-" + i;
                records.create(vm, spec(1024));
                records.transition(vm, 0, new Transition.Start(host(i % hosts)));
            });
            try (CoordinatorClient observer = client(connect, cluster);
                 VmCatalog catalog = new VmCatalog(observer, () -> { }).start();
                 CoordinatorClient managerClient = client(connect, cluster)) {
                catalog.awaitInitialized(LIMIT);
                long t0 = System.nanoTime();
                AtomicLong firstRound = new AtomicLong();
                AtomicInteger rounds = new AtomicInteger();
                AtomicInteger lost = new AtomicInteger();
                try (ClusterManager manager = new ClusterManager(managerClient, "manager", r -> {
                    firstRound.compareAndSet(0, System.nanoTime());
                    rounds.incrementAndGet();
                    lost.addAndGet(r.lost());
                }).start()) {
                    awaitAll(catalog, vms, s -> s.status() == VmStatus.SYNCING);
                    System.err.printf("placement: manager acting: %b; ", manager.acting());
                    System.err.printf("placement: first round done after %d ms, %d rounds, %d lost CAS%n",
                            (firstRound.get() - t0) / 1_000_000, rounds.get(), lost.get());
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            }
        } finally {
            registrations.forEach(HostRegistry::close);
            clients.forEach(CoordinatorClient::close);
        }
    }

    private static long storm(String connect) throws Exception {
        String cluster = "bench-storm";
        int hosts = 20;
        int vms = 100;
        List<CoordinatorClient> clients = new ArrayList<>();
        CoordinatorClient victim = client(connect, cluster);
        try {
            for (int i = 0; i < 2; i++) {
                clients.add(client(connect, cluster));
            }
            HostRegistry.register(victim, new HostInfo("victim", "127.0.0.1:19999", 1024 * 1024, "bench"));
            for (int h = 0; h < hosts; h++) {
                HostRegistry.register(clients.get(h % 2),
                        new HostInfo(host(h), "127.0.0.1:" + (20000 + h), 64 * 1024, "bench"));
            }
            VmRecords records = new VmRecords(clients.get(0));
            parallel(vms, i -> {
                String vm = "vm-" + i;
                String backup = host(i % hosts);
                records.create(vm, spec(1024));
                records.transition(vm, 0, new Transition.Start("victim"));
                records.transition(vm, 1, new Transition.AssignBackup(backup));
                records.transition(vm, 2, new Transition.BackupInSync(backup));
            });
            ExecutorService backups = Executors.newFixedThreadPool(8);
            try (CoordinatorClient observer = client(connect, cluster);
                 VmCatalog catalog = new VmCatalog(observer, () -> { }).start();
                 HostMembership membership = new HostMembership(clients.get(1)).start();
                 CoordinatorClient managerClient = client(connect, cluster);
                 ClusterManager manager = new ClusterManager(managerClient, "manager", r -> { }).start()) {
                catalog.awaitInitialized(LIMIT);
                membership.awaitInitialized(LIMIT);
                awaitActing(manager);
                VmRecords backupSide = new VmRecords(clients.get(1));
                // the simulated backups: each takes over its VM when the primary's host leaves
                membership.addListener(change -> {
                    if (change.hostId().equals("victim") && !change.alive()) {
                        for (int i = 0; i < vms; i++) {
                            String vm = "vm-" + i;
                            String me = host(i % hosts);
                            backups.execute(() -> backupSide.transition(vm, 3, new Transition.TakeOver(me)));
                        }
                    }
                });
                long t0 = System.nanoTime();
                victim.close(); // the host is gone: its session ends, its registration with it
                awaitAll(catalog, vms, s -> s.status() == VmStatus.SYNCING && !"victim".equals(s.primary()));
                return (System.nanoTime() - t0) / 1_000_000;
            } finally {
                backups.shutdownNow();
            }
        } finally {
            victim.close();
            clients.forEach(CoordinatorClient::close);
        }
    }

    private static String host(int i) {
        return String.format(Locale.ROOT, "host-%03d", i);
    }

    private interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs setup work on 8 threads (pipelining ZooKeeper requests). */
    private static void parallel(int n, IndexTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                fs.add(pool.submit(() -> {
                    task.run(idx);
                    return null;
                }));
            }
            for (var f : fs) {
                f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitActing(ClusterManager manager) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!manager.acting()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the manager did not get the latch within " + LIMIT);
            }
            Thread.sleep(2);
        }
    }

    private static void awaitAll(VmCatalog catalog, int n, Predicate<VmState> done) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            int count = 0;
            for (ReconcilePlanner.VmView v : catalog.views()) {
                if (done.test(v.state().state())) {
                    count++;
                }
            }
            if (count == n) {
                return;
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("not all " + n + " VMs reached the expected state within " + LIMIT);
    }
}
