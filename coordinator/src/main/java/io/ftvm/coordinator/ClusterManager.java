package io.ftvm.coordinator;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster manager: every {@code ftd} runs one, and the one holding the leader latch ({@code manager}) acts. It
 * reconciles whenever hosts or VM records change, and every {@code managerRetryInterval} for VMs it could not place:
 * it drops backups whose host left (after one session timeout's grace, {@link HostReturnGrace}), and places a backup for every VM that wants protection and runs unprotected
 * ({@link ReconcilePlanner}, {@link PlacementPolicy}); VMs it cannot place are reported with the reason.
 *
 * <p>Leadership loss stops it at once: the latch's notLeader callback and a SUSPENDED or LOST link clear the acting
 * flag, which is checked (with {@code LeaderLatch.hasLeadership()}) before every write. Every write is a CAS on the
 * version the plan was made from, so a manager that lost leadership between the check and the write can only make a
 * change the record still allows at that exact version; it can never overwrite a newer one.
 *
 * <p>Lifecycle {@code LATENT → STARTED → CLOSED}. Reconciliation runs on one thread of its own; the CAS writes of
 * one round (each on a different VM) go out on up to 16 threads so ZooKeeper can pipeline them.
 */
public final class ClusterManager implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterManager.class);
    /** Concurrent CAS writes of one reconciliation. */
    private static final int WRITERS = 16;

    /** The outcome of one reconciliation. */
    public record Report(long round, int won, int lost, SortedMap<String, String> unplaced) {
        public Report {
            unplaced = new TreeMap<>(unplaced);
        }
    }

    private enum Lifecycle {
        LATENT,
        STARTED,
        CLOSED
    }

    private final CoordinatorClient client;
    private final String hostId;
    private final VmRecords records;
    private final ReconcilePlanner planner = new ReconcilePlanner(new PlacementPolicy());
    private final HostReturnGrace returnGrace;
    private final TakeoverVictims victims;
    private final HostMembership membership;
    private final DrainedHosts drained;
    private final VmCatalog catalog;
    private final LeaderLatch latch;
    private final ScheduledExecutorService executor;
    private final ExecutorService writers;
    private final Consumer<Report> reports;
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private final Map<String, VersionedState> written = new ConcurrentHashMap<>();
    /** The epoch at which this host last placed a backup for a VM as a deputy (manager thread only). */
    private final Map<String, Long> deputized = new java.util.HashMap<>();
    private final ConnectionMonitor.Listener linkListener;
    private volatile boolean leading;
    private volatile Report lastReport = new Report(0, 0, 0, new TreeMap<>());
    private SortedMap<String, String> lastUnplaced = new TreeMap<>();
    private java.util.Set<String> lastReturning = java.util.Set.of();
    private java.util.Set<String> lastAvoided = java.util.Set.of();
    /** When the next scheduled wake-up runs (System.nanoTime); in the past when none is scheduled. */
    private long wakeAt = System.nanoTime() - 1;
    private long round;
    private Lifecycle lifecycle = Lifecycle.LATENT;

    /**
     * @param hostId  this host (the latch participant id)
     * @param reports receives every reconciliation's report, on the manager's thread
     */
    public ClusterManager(CoordinatorClient client, String hostId, Consumer<Report> reports) {
        this(client, hostId, reports, System::nanoTime);
    }

    /**
     * @param nanoClock the clock of the host return grace (one session timeout: a host whose session expired while it
     *                  ran keeps its backups that long, see {@link HostReturnGrace})
     */
    public ClusterManager(CoordinatorClient client, String hostId, Consumer<Report> reports,
            java.util.function.LongSupplier nanoClock) {
        HostInfo.checkHostId(hostId);
        this.returnGrace = new HostReturnGrace(client.config().sessionTimeout(), nanoClock);
        this.victims = new TakeoverVictims(client.config().sessionTimeout(), nanoClock);
        this.client = client;
        this.hostId = hostId;
        this.reports = Objects.requireNonNull(reports);
        this.records = new VmRecords(client);
        this.membership = new HostMembership(client);
        this.drained = new DrainedHosts(client);
        this.catalog = new VmCatalog(client, this::requestReconcile);
        this.latch = new LeaderLatch(client.curator(), ClusterPaths.MANAGER, hostId);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ftvm-cluster-manager-" + hostId);
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
        this.writers = Executors.newFixedThreadPool(WRITERS, r -> {
            Thread t = new Thread(r, "ftvm-cluster-manager-writer-" + hostId);
            t.setDaemon(true);
            return t;
        });
        membership.addListener(change -> requestReconcile());
        drained.addListener(this::requestReconcile);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                leading = true;
                LOG.info("{} is the cluster manager", hostId);
                requestReconcile();
            }

            @Override
            public void notLeader() {
                leading = false;
                LOG.info("{} is no longer the cluster manager", hostId);
            }
        });
        this.linkListener = event -> {
            if (event.current() != CoordinationState.CONNECTED && leading) {
                leading = false;
                LOG.warn("{} stops acting as cluster manager: ZooKeeper link {}", hostId, event.current());
            }
        };
    }

    public synchronized ClusterManager start() {
        if (lifecycle != Lifecycle.LATENT) {
            throw new IllegalStateException("cluster manager is " + lifecycle);
        }
        lifecycle = Lifecycle.STARTED;
        client.connection().addListener(linkListener);
        membership.start();
        drained.start();
        try {
            // The catalog's first load triggers the first round: let the host view be complete by then.
            membership.awaitInitialized(java.time.Duration.ofSeconds(10));
            drained.awaitInitialized(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catalog.start();
        try {
            latch.start();
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(ClusterPaths.MANAGER), e);
        }
        long every = client.config().managerRetryInterval().toMillis();
        executor.scheduleWithFixedDelay(this::requestReconcile, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Both watch-based views have read everything once (the retry interval brings the first round after). */
    private boolean viewsLoaded() {
        try {
            return membership.awaitInitialized(java.time.Duration.ZERO)
                    && drained.awaitInitialized(java.time.Duration.ZERO)
                    && catalog.awaitInitialized(java.time.Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True while this manager holds the latch and may act. */
    public boolean acting() {
        return leading && latch.hasLeadership() && client.connection().state() == CoordinationState.CONNECTED;
    }

    public Report lastReport() {
        return lastReport;
    }

    /** The drained hosts the manager plans around. */
    public DrainedHosts drained() {
        return drained;
    }

    /** The host registry view the manager plans with. */
    public HostMembership membership() {
        return membership;
    }

    /** Asks for a reconciliation soon; many requests before it runs coalesce into one. */
    public void requestReconcile() {
        if (reconcileQueued.compareAndSet(false, true)) {
            try {
                executor.execute(this::reconcile);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                reconcileQueued.set(false);
            }
        }
    }

    private void reconcile() {
        reconcileQueued.set(false);
        if (!viewsLoaded()) {
            return; // never plan from a partial view: a host or VM not yet loaded would be missed
        }
        SortedMap<String, HostInfo> live = membership.liveHosts();
        List<ReconcilePlanner.VmView> views = freshest(catalog.views());
        java.util.Set<String> backups = new java.util.HashSet<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (ReconcilePlanner.VmView v : views) { // every host watches for takeovers: a deputy needs them too
            ids.add(v.vmId());
            victims.observe(v.vmId(), v.state().state());
            if (v.state().state().status().hasBackup()) {
                backups.add(v.state().state().backup());
            }
        }
        victims.retain(ids);
        deputized.keySet().retainAll(ids);
        if (!acting()) {
            deputize(live, views);
            return;
        }
        java.util.Set<String> returning = returnGrace.returning(backups, live.keySet());
        java.util.Set<String> avoided = victims.avoided();
        if (!returning.equals(lastReturning) && !returning.isEmpty()) {
            LOG.info("manager: keeping the in-sync backups on {} for up to {} while they re-register", returning,
                    client.config().sessionTimeout());
        }
        if (!avoided.equals(lastAvoided) && !avoided.isEmpty()) {
            LOG.info("manager: placing no backup on {} for now (a primary there was just taken over, or a backup "
                    + "failed there)", avoided);
        }
        for (long wake : new long[] {returnGrace.nanosToNextExpiry(), victims.nanosToNextExpiry()}) {
            wakeAfter(wake);
        }
        lastReturning = returning;
        lastAvoided = avoided;
        ReconcilePlanner.Plan plan = planner.plan(live, returning, avoided, drained.hosts(), views);
        // Each action is on another VM: they go out together (ZooKeeper pipelines them), each one checking the role.
        List<Future<Result>> results = new ArrayList<>(plan.actions().size());
        for (ReconcilePlanner.Action action : plan.actions()) {
            results.add(writers.submit(() -> apply(action)));
        }
        int won = 0;
        int lost = 0;
        int skipped = 0;
        for (Future<Result> f : results) {
            Result r;
            try {
                r = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                throw new IllegalStateException("manager write failed unexpectedly", e.getCause());
            }
            won += r == Result.WON ? 1 : 0;
            lost += r == Result.LOST ? 1 : 0;
            skipped += r == Result.NOT_TRIED ? 1 : 0;
        }
        if (skipped > 0 && !acting()) {
            LOG.warn("{} lost the manager role; {} planned changes not made", hostId, skipped);
            return;
        }
        if (!plan.unplaced().equals(lastUnplaced)) {
            plan.unplaced().forEach((vm, why) -> {
                if (!why.equals(lastUnplaced.get(vm))) {
                    LOG.warn("manager: no backup for {}: {}", vm, why);
                }
            });
            lastUnplaced = plan.unplaced();
        }
        Report report = new Report(++round, won, lost, plan.unplaced());
        lastReport = report;
        reports.accept(report);
        if (lost > 0 || skipped > 0) {
            requestReconcile();
        }
    }

    /**
     * Not the leader: place a backup for the VMs this host has just become the primary of (a takeover, or a start),
     * without waiting for the leader, which may have died with the former primary (its latch outlives it by a session
     * timeout). Once per VM and epoch, only that AssignBackup, planned from the same views and avoiding the former
     * primary's host; the write is a CAS on the version planned from, so a leader acting at the same time makes one of
     * the two changes, never both.
     */
    private void deputize(SortedMap<String, HostInfo> live, List<ReconcilePlanner.VmView> views) {
        if (client.connection().state() != CoordinationState.CONNECTED) {
            return;
        }
        java.util.Set<String> mine = new java.util.HashSet<>();
        for (ReconcilePlanner.VmView v : views) {
            VmState s = v.state().state();
            if (hostId.equals(s.primary()) && s.status() == VmStatus.UNPROTECTED && s.primarySince() == s.epoch()
                    && v.spec().protection() == DesiredProtection.PROTECTED
                    && deputized.getOrDefault(v.vmId(), -1L) < s.epoch()) {
                deputized.put(v.vmId(), s.epoch());
                mine.add(v.vmId());
            }
        }
        if (mine.isEmpty()) {
            return;
        }
        ReconcilePlanner.Plan plan = planner.plan(live, java.util.Set.of(), victims.avoided(), drained.hosts(), views);
        for (ReconcilePlanner.Action a : plan.actions()) {
            if (mine.contains(a.expected().vmId()) && a.transition() instanceof Transition.AssignBackup) {
                writers.execute(() -> {
                    try {
                        TransitionOutcome o = records.transition(a.expected(), a.transition());
                        if (o.won()) {
                            written.put(a.expected().vmId(), o.state());
                            LOG.info("manager (deputy for its own VM): {} {} -> {}", a.expected().vmId(),
                                    a.transition(), o.state().state());
                        }
                    } catch (CoordinatorException e) {
                        LOG.debug("deputy: {} {} not made: {}", a.expected().vmId(), a.transition(), e.getMessage());
                    }
                });
            }
        }
    }

    /** Looks again {@code nanos} from now (when a grace or an avoidance ends), unless a look is due before then. */
    private void wakeAfter(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long at = System.nanoTime() + nanos + 1_000_000;
        if (wakeAt - System.nanoTime() > 0 && wakeAt - at <= 0) {
            return; // an earlier wake-up is scheduled already
        }
        wakeAt = at;
        executor.schedule(() -> {
            wakeAt = System.nanoTime() - 1;
            requestReconcile();
        }, nanos + 1_000_000, TimeUnit.NANOSECONDS);
    }

    /**
     * The catalog's views, with the states this manager wrote itself where the catalog has not caught up yet (so the
     * next round neither repeats a change nor counts a host's memory twice).
     */
    private List<ReconcilePlanner.VmView> freshest(List<ReconcilePlanner.VmView> views) {
        List<ReconcilePlanner.VmView> out = new ArrayList<>(views.size());
        for (ReconcilePlanner.VmView v : views) {
            VersionedState mine = written.get(v.vmId());
            if (mine != null && mine.zkVersion() > v.state().zkVersion()) {
                out.add(new ReconcilePlanner.VmView(v.vmId(), v.spec(), mine));
            } else {
                if (mine != null) {
                    written.remove(v.vmId(), mine);
                }
                out.add(v);
            }
        }
        return out;
    }

    private enum Result {
        WON,
        LOST,
        NOT_TRIED
    }

    private Result apply(ReconcilePlanner.Action action) {
        if (!acting()) {
            return Result.NOT_TRIED;
        }
        try {
            TransitionOutcome outcome = records.transition(action.expected(), action.transition());
            if (outcome.won()) {
                written.put(action.expected().vmId(), outcome.state());
                LOG.info("manager: {} {} -> {}", action.expected().vmId(), action.transition(),
                        outcome.state().state());
                return Result.WON;
            }
            return Result.LOST; // the record moved on; the change that moved it triggers another round
        } catch (IllegalTransitionException | NoSuchVmException e) {
            LOG.debug("manager: {} skipped: {}", action.expected().vmId(), e.getMessage());
            return Result.LOST;
        } catch (CoordinatorException e) {
            LOG.warn("manager: {} {} failed, retrying later: {}", action.expected().vmId(), action.transition(),
                    e.getMessage());
            return Result.NOT_TRIED;
        }
    }

    @Override
    public synchronized void close() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        boolean wasStarted = lifecycle == Lifecycle.STARTED;
        lifecycle = Lifecycle.CLOSED;
        leading = false;
        executor.shutdownNow();
        writers.shutdownNow();
        client.connection().removeListener(linkListener);
        if (wasStarted) {
            try {
                latch.close();
            } catch (IOException | IllegalStateException e) {
                LOG.debug("latch close: {}", e.toString());
            }
        }
        catalog.close();
        drained.close();
        membership.close();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
