package io.ftvm.chaos.nemesis;

import io.ftvm.chaos.cluster.AdminClient;
import io.ftvm.chaos.cluster.ChaosCluster;
import io.ftvm.chaos.cluster.Firewall;
import io.ftvm.chaos.cluster.FtdHost;
import io.ftvm.chaos.cluster.Latency;
import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.OptionalLong;

/**
 * Injects one fault at a time until a deadline or a number of kills: waits until every VM is protected on live
 * hosts and the ensemble serves, scrapes every host's digest-mismatch counter, then picks a fault kind (uniformly
 * among the enabled ones) and a VM at random and injects it; the nemesis heals it before returning. A VM that is not
 * protected again within {@code recovery} is recorded as unavailable and ends the faults.
 */
public final class FaultScheduler {
    private final NemesisContext ctx;
    private final List<String> vms;
    private final List<FaultKind> enabled;
    private final AdminClient admin;
    private final Duration recovery;
    private final ProcessNemesis processes;
    private final ZooKeeperNemesis zookeeper;
    private final LatencyNemesis latency;
    private final Optional<NetworkNemesis> network;
    private final Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
    private final List<Long> takeoverMillis = new ArrayList<>();

    public FaultScheduler(NemesisContext ctx, List<String> vms, List<FaultKind> enabled, AdminClient admin,
            Duration recovery) {
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds enabled");
        }
        Optional<Firewall> firewall = ctx.cluster().topology().firewall();
        for (FaultKind k : enabled) {
            if (k.network() && firewall.isEmpty()) {
                throw new IllegalArgumentException(k.name().toLowerCase(java.util.Locale.ROOT) + " needs hosts in "
                        + "network namespaces; this run's network is " + ctx.cluster().topology().name());
            }
        }
        this.ctx = ctx;
        this.vms = List.copyOf(vms);
        this.enabled = List.copyOf(enabled);
        this.admin = admin;
        this.recovery = recovery;
        this.processes = new ProcessNemesis(ctx);
        this.zookeeper = new ZooKeeperNemesis(ctx);
        this.latency = new LatencyNemesis(ctx);
        this.network = firewall.map(f -> new NetworkNemesis(ctx, f));
        for (FaultKind k : FaultKind.values()) {
            counts.put(k, 0);
        }
    }

    /**
     * Injects faults until {@code deadlineNanos} (System.nanoTime), {@code maxKills} kills or {@code stop}, whichever
     * first (a fault in progress is finished first).
     */
    public void run(long deadlineNanos, int maxKills, BooleanSupplier stop) throws InterruptedException, IOException {
        int kills = 0;
        while (System.nanoTime() < deadlineNanos && kills < maxKills && !stop.getAsBoolean()) {
            if (!awaitHealthy()) {
                return;
            }
            scrapeDigests();
            FaultKind kind = enabled.get(ctx.random().nextInt(enabled.size()));
            String vm = vms.get(ctx.random().nextInt(vms.size()));
            Thread.sleep(ctx.millis(100, 800)); // faults land at random points of the workload
            if (stop.getAsBoolean()) {
                return; // asked to end while waiting for health: no new fault
            }
            // Read every pair again right before the fault: on a loaded machine a pair can fail over by itself (a
            // missed heartbeat), and killing a primary whose new backup is still syncing is a double fault. That
            // holds for every VM on the host the fault hits, not only the one it was chosen for: a host runs the
            // primary of one VM and the backup (or the fresh, unprotected primary) of another.
            Optional<VersionedState> fresh = ctx.cluster().state(vm);
            if (fresh.isEmpty() || !allHealthy()) {
                continue;
            }
            boolean done = inject(kind, vm, fresh.get());
            if (done) {
                counts.merge(kind, 1, Integer::sum);
                kills += kind.kills() ? 1 : 0;
            }
        }
    }

    private boolean inject(FaultKind kind, String vm, VersionedState s) throws InterruptedException, IOException {
        switch (kind) {
            case KILL_PRIMARY -> {
                OptionalLong ms = processes.killPrimary(vm, s);
                ms.ifPresent(takeoverMillis::add);
            }
            case KILL_PRIMARY_AND_ZK_LEADER -> {
                Optional<Integer> zk = zookeeper.killLeaderNow(kind);
                try {
                    OptionalLong ms = processes.killPrimary(kind, vm, s);
                    ms.ifPresent(takeoverMillis::add);
                } finally {
                    if (zk.isPresent()) {
                        zookeeper.restart(kind, zk.get());
                    }
                }
            }
            case KILL_BACKUP -> processes.killBackup(vm, s);
            case PAUSE -> processes.pause();
            case SESSION_EXPIRY -> processes.sessionExpiry(vm, s);
            case ZK_LEADER_KILL -> {
                return zookeeper.killLeader();
            }
            case LATENCY -> latency.slowDown();
            case SLOW_BACKUP -> processes.slowBackup(vm, s);
            case PARTITION_PAIR -> network.orElseThrow().partitionPair(vm, s);
            case PARTITION_ZOOKEEPER -> network.orElseThrow().partitionZooKeeper(vm, s);
            case ISOLATE_PRIMARY -> network.orElseThrow().isolatePrimary(vm, s);
            case PACKET_LOSS -> network.orElseThrow().packetLoss(vm, s);
            default -> throw new IllegalStateException(kind.name());
        }
        return true;
    }

    /**
     * Waits until every VM is protected — its record says PROTECTED, the primary's host says {@code
     * primary:PROTECTED} and the backup's host {@code backup:REPLAYING} on {@code /health} (the record alone lags: a
     * backup killed and restarted a moment ago is still named in it) — and the ensemble serves; records the VMs that
     * are not as unavailable when {@code recovery} runs out.
     */
    public boolean awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + recovery.toNanos();
        ChaosCluster c = ctx.cluster();
        while (true) {
            List<String> notYet = new ArrayList<>();
            for (String vm : vms) {
                Optional<VersionedState> s = c.state(vm);
                if (s.isEmpty() || !healthy(vm, s.get())) {
                    notYet.add(vm + (s.isPresent() ? " " + s.get().state() : " (record unreadable)"));
                }
            }
            boolean zk = c.ensemble().serving();
            if (notYet.isEmpty() && zk) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                HistoryWriter h = ctx.history();
                for (String v : notYet) {
                    h.append(HistoryEvent.unavailable(h.now(), v.split(" ")[0], "not protected on live hosts within "
                            + recovery.toSeconds() + " s: " + v + (zk ? "" : "; ZooKeeper ensemble not serving")));
                }
                if (notYet.isEmpty()) {
                    h.append(HistoryEvent.unavailable(h.now(), null, "ZooKeeper ensemble not serving"));
                }
                return false;
            }
            Thread.sleep(50);
        }
    }

    /** Whether every VM is protected right now (one read of each record and of its hosts' health). */
    private boolean allHealthy() throws InterruptedException {
        for (String v : vms) {
            Optional<VersionedState> s = ctx.cluster().state(v);
            if (s.isEmpty() || !healthy(v, s.get())) {
                return false;
            }
        }
        return true;
    }

    private boolean healthy(String vm, VersionedState s) throws InterruptedException {
        return s.state().status() == VmStatus.PROTECTED && plays(s.state().primary(), vm, "primary:PROTECTED")
                && plays(s.state().backup(), vm, "backup:REPLAYING");
    }

    /** Whether {@code host} is alive, registered, UP and says it holds {@code role} of {@code vm}. */
    private boolean plays(String host, String vm, String role) throws InterruptedException {
        if (host == null || !ctx.cluster().host(host).alive() || !ctx.cluster().registered(host)) {
            return false;
        }
        Optional<AdminClient.HostHealth> h = admin.health(ctx.cluster().host(host));
        return h.isPresent() && h.get().up() && role.equals(h.get().vms().get(vm));
    }

    /** Records every live host's {@code ftvm_digest_mismatches_total} (before a fault may take its counters away). */
    public void scrapeDigests() throws InterruptedException {
        HistoryWriter h = ctx.history();
        for (FtdHost host : ctx.cluster().hosts()) {
            if (host.alive()) {
                OptionalLong n = admin.digestMismatches(host);
                if (n.isPresent()) {
                    h.append(HistoryEvent.metrics(h.now(), host.id(), n.getAsLong()));
                }
            }
        }
    }

    /**
     * Undoes whatever a fault may have left: no latency, no firewall rule, every host continued and running, every
     * ZooKeeper up.
     */
    public void healAll() throws IOException, InterruptedException {
        ChaosCluster c = ctx.cluster();
        c.fabric().setLatency(Latency.NONE);
        c.topology().firewall().ifPresent(Firewall::healAll);
        for (FtdHost h : c.hosts()) {
            h.resume();
            h.start();
        }
        for (int id = 1; id <= 3; id++) {
            c.ensemble().start(id);
        }
    }

    public Map<FaultKind, Integer> counts() {
        return Map.copyOf(counts);
    }

    public List<Long> takeoverMillis() {
        return List.copyOf(takeoverMillis);
    }
}
