package io.ftvm.chaos.run;

import io.ftvm.chaos.check.CheckReport;
import io.ftvm.chaos.check.HistoryChecker;
import io.ftvm.chaos.check.HostLogCheck;
import io.ftvm.chaos.cluster.AdminClient;
import io.ftvm.chaos.cluster.ChaosCluster;
import io.ftvm.chaos.cluster.FtdHost;
import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.chaos.nemesis.FaultKind;
import io.ftvm.chaos.nemesis.FaultScheduler;
import io.ftvm.chaos.nemesis.NemesisContext;
import io.ftvm.chaos.workload.KvWorker;
import io.ftvm.chaos.workload.OutputArrivals;
import io.ftvm.chaos.workload.OutputObserver;
import io.ftvm.coordinator.VmStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One run: start the ensemble, the hosts and the VMs ({@code kv-1} ...), start a worker and an observer per VM,
 * inject faults until the duration or the kill budget is spent, heal everything, let the workload run on a moment,
 * stop the workers (their input must all be acknowledged), let the observers catch up, scrape every host's digest
 * counter, stop the cluster and check the history and the logs. Every wait is bounded; every process is killed at the
 * end whatever happens.
 */
public final class ChaosRun {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** The harness's history record when a stop ended the faults early, followed by the reason's name. */
    static final String STOPPED_EARLY = "stopped early: ";

    private final ChaosOptions options;
    private final Consumer<String> progress;
    private final Supplier<Optional<StopReason>> stop;

    /**
     * @param stop asked before each fault: a reason ends the faults early (the run then ends as after its duration,
     *             and its summary names the reason)
     */
    public ChaosRun(ChaosOptions options, Consumer<String> progress, Supplier<Optional<StopReason>> stop) {
        this.options = options;
        this.progress = progress;
        this.stop = stop;
    }

    public ChaosRun(ChaosOptions options, Consumer<String> progress) {
        this(options, progress, Optional::empty);
    }

    public Summary run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path dir = Files.createDirectories(options.dir());
        Path historyFile = dir.resolve("history.jsonl");
        SplittableRandom random = new SplittableRandom(options.seed());
        List<String> vms = new ArrayList<>();
        for (int i = 1; i <= options.vms(); i++) {
            vms.add("kv-" + i);
        }
        FaultScheduler scheduler;
        Optional<StopReason> stopped;
        List<Path> hostLogs = new ArrayList<>();
        String network;
        List<FaultKind> faults;
        try (HistoryWriter history = new HistoryWriter(historyFile, System::nanoTime);
                ChaosCluster cluster = new ChaosCluster(dir, options.network().open(options.hosts(), random.nextLong(),
                        progress), random.nextLong())) {
            network = cluster.topology().name();
            faults = options.faultsFor(cluster.topology().firewall().isPresent());
            for (FaultKind k : faults) {
                if (k.network() && cluster.topology().firewall().isEmpty()) {
                    throw new IllegalArgumentException("fault " + k.name().toLowerCase(java.util.Locale.ROOT)
                            + " needs hosts in network namespaces, and this run's network is " + network);
                }
            }
            progress.accept("starting a 3-server ZooKeeper ensemble and " + options.hosts() + " ftd hosts in " + dir
                    + " (network: " + network + "); faults " + faults);
            history.append(HistoryEvent.client(history.now(), null, "harness", "network " + network + ", faults "
                    + faults));
            cluster.start(options.hosts(), options.timeouts());
            for (FtdHost h : cluster.hosts()) {
                hostLogs.add(h.log());
            }
            for (int i = 0; i < vms.size(); i++) {
                cluster.createVm(vms.get(i), ChaosOptions.IMAGE, ChaosOptions.RAM_MIB,
                        cluster.hosts().get(i % options.hosts()).id());
            }
            Map<String, OutputArrivals> arrivals = new LinkedHashMap<>();
            for (String vm : vms) {
                if (cluster.await(vm, s -> s.state().status() == VmStatus.PROTECTED, options.recovery()).isEmpty()) {
                    throw new IllegalStateException(vm + " was not protected within " + options.recovery()
                            + "; logs in " + dir);
                }
                arrivals.put(vm, new OutputArrivals(System::nanoTime));
            }
            NemesisContext ctx = new NemesisContext(cluster, history, random.split(), arrivals, options.timeouts());
            AdminClient admin = new AdminClient(cluster.identity().adminToken(), cluster.clientTls().jdkContext());
            scheduler = new FaultScheduler(ctx, vms, faults, admin, options.recovery());
            List<KvWorker> workers = new ArrayList<>();
            List<OutputObserver> observers = new ArrayList<>();
            try {
                for (String vm : vms) {
                    String token = cluster.identity().adminToken();
                    workers.add(new KvWorker(vm, cluster.consoles(), token, cluster.clientTls(), history,
                            arrivals.get(vm),
                            random.split(), ANSWER_TIMEOUT));
                    observers.add(new OutputObserver(vm, cluster.consoles(), token, cluster.clientTls(), history,
                            arrivals.get(vm)));
                }
                progress.accept("workload running on " + vms + "; injecting faults for up to "
                        + options.duration().toSeconds() + " s or " + options.maxKills() + " kills (seed "
                        + options.seed() + ")");
                try {
                    scheduler.run(System.nanoTime() + options.duration().toNanos(), options.maxKills(),
                            () -> stop.get().isPresent());
                } finally {
                    scheduler.healAll();
                }
                stopped = stop.get(); // a stop asked for after the faults ended changes nothing
                progress.accept(stopped.map(r -> "stopped early (" + r.name() + "); ").orElse("") + "faults done "
                        + scheduler.counts() + "; healing");
                stopped.ifPresent(r -> history.append(HistoryEvent.client(history.now(), null, "harness",
                        STOPPED_EARLY + r.name())));
                scheduler.awaitHealthy();
                Thread.sleep(2000); // some operations on the healed cluster
                for (KvWorker w : workers) {
                    w.stop(Duration.ofSeconds(60));
                }
                for (int i = 0; i < workers.size(); i++) {
                    observers.get(i).awaitOffset(workers.get(i).outputOffset(), Duration.ofSeconds(30));
                }
                scheduler.scrapeDigests();
            } finally {
                for (KvWorker w : workers) {
                    w.close();
                }
                for (OutputObserver o : observers) {
                    o.close();
                }
            }
            history.append(HistoryEvent.client(history.now(), null, "harness", HistoryChecker.RUN_ENDED));
        }
        progress.accept("checking the history and the logs");
        CheckReport report = new HistoryChecker(ChaosOptions.IMAGE, ChaosOptions.RAM_MIB).check(historyFile)
                .plus(HostLogCheck.check(hostLogs));
        return new Summary(network, scheduler.counts(), scheduler.takeoverMillis(), report, dir, options.seed(),
                (System.nanoTime() - started) / 1_000_000, stopped);
    }
}
