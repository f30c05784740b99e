package io.ftvm.node.daemon;

import io.ftvm.backup.BackupRole;
import io.ftvm.backup.TakeoverAuthority;
import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.coordinator.ReconcilePlanner;
import io.ftvm.coordinator.Role;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.VmMetrics;
import io.ftvm.node.metrics.VmGauges;
import io.ftvm.coordinator.Endpoint;
import io.ftvm.replication.HandshakeRefusedException;
import io.ftvm.replication.PairKey;
import io.ftvm.replication.PairTrust;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.node.net.NetworkSetupException;
import io.ftvm.node.net.TapNetwork;
import io.ftvm.primary.GuestNetwork;
import io.ftvm.vmm.board.Machine;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one host does for one VM, driven by the VM's record: boot it when a fresh start names this host primary,
 * run a backup when a tenure names this host backup, attach the primary to its assigned backup, halt a role whose
 * tenure the record no longer names (fencing), and serve or redirect the VM's console. Called on the daemon's
 * reconcile thread only.
 */
final class VmInstance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmInstance.class);
    private static final int HISTORY_BYTES = 1 << 20;

    private final String vmId;
    private final NodeContext ctx;
    private final VmConsoleBackend console = new VmConsoleBackend();
    private final Set<Long> tenuresSeen = new HashSet<>();
    private final VmMetrics metrics;
    private final VmGauges gauges;
    /** Volatile: the admin endpoint and the gauges read them from other threads. */
    private volatile PrimaryRole primary;
    /** Volatile: the replication handshake gate reads it on a network thread. */
    private volatile long primaryTenure = -1;
    private long attachedBackupTenure = -1;
    private volatile BackupRole backup;
    private volatile VmState lastState;
    /** The epoch of the record this host's roles were last brought in line with (-1: none yet). */
    private volatile long reconciledEpoch = -1;
    /** The VM's protection reason code, as of the last reconcile on the manager's host (null elsewhere). */
    private volatile String protectionCode;
    /** The primary was killed by a drill: its console is not served until another host takes over. */
    private boolean crashed;
    /** A primary role of this host's previous life, until a backup takes over or the VM is declared lost. */
    private final OrphanedPrimary orphan;
    private long backupTenure = -1;
    private volatile long tookOverAt = -1;
    /** A drained host's switchovers of this VM's primary. */
    private final DrainSwitchovers drains;
    /** When the VM counts as lost for its console clients. */
    private final LostVmWatch lostWatch;
    /** The disk copies and NIC the roles hold on this host. */
    private final RoleFootprint footprint;

    VmInstance(String vmId, NodeContext ctx) {
        this.vmId = vmId;
        this.ctx = ctx;
        this.metrics = VmMetrics.of(ctx.metrics(), vmId);
        this.footprint = new RoleFootprint(ctx.backupSettings().snapshotDir(), vmId);
        this.drains = new DrainSwitchovers(vmId, ctx.clock()::nanoTime);
        console.standbyHere(() -> {
            BackupRole b = backup;
            BackupRole.State bs = b == null ? null : b.state();
            return bs == BackupRole.State.REPLAYING || bs == BackupRole.State.LOADING_SNAPSHOT
                    || bs == BackupRole.State.TAKING_OVER; // (a moment before it says it is arriving)
        });
        this.lostWatch = new LostVmWatch(ctx.clock()::nanoTime);
        this.orphan = new OrphanedPrimary(vmId, ctx.hostId(), ctx.clock()::nanoTime);
        this.gauges = new VmGauges(ctx.metrics(), metrics, new VmGauges.Source() {
            @Override
            public PrimaryRole primary() {
                return primary;
            }

            @Override
            public BackupRole backup() {
                return backup;
            }

            @Override
            public VmState state() {
                return lastState;
            }

            @Override
            public boolean exportsRecord() {
                return ctx.managing().getAsBoolean();
            }

            @Override
            public String protectionCode() {
                return protectionCode;
            }
        });
    }

    /**
     * This ftd just started and found the VM's record: roles it names for this host are from a previous life of
     * the daemon (their instances died with it) and are not taken up again; the VM is not booted afresh, which
     * would lose its state. A backup role is given up at once (the VM goes unprotected and gets a new backup; the
     * manager would not drop it while this host is back within its return grace); a primary's VM is lost unless its
     * backup takes over.
     */
    void adopt(VmState s) {
        if (s.names(ctx.hostId(), Role.PRIMARY)) {
            tenuresSeen.add(s.primarySince());
            orphan.adopted(s.primarySince());
            LOG.warn("VM {}: the record names this host primary since epoch {}, from before this ftd started: "
                    + "not booting it afresh", vmId, s.primarySince());
        }
        if (s.names(ctx.hostId(), Role.BACKUP)) {
            tenuresSeen.add(-s.backupSince());
            LOG.warn("VM {}: the record names this host backup since epoch {}, from before this ftd started: "
                    + "giving the role up", vmId, s.backupSince());
            new RoleRecord(ctx.records(), vmId, ctx.hostId()).resignBackup(s.backupSince(), "backup host "
                    + ctx.hostId() + " restarted (its backup of epoch " + s.backupSince() + " is gone)");
        }
    }

    /** This host's part, for health reports: {@code primary:PROTECTED}, {@code backup:REPLAYING} or {@code none}. */
    String describe() {
        PrimaryRole p = primary;
        BackupRole b = backup;
        if (p != null) {
            return "primary:" + p.state();
        }
        return b != null ? "backup:" + b.state() : "none";
    }

    /** This host's live figures for the VM (admin API): its roles' states, rates, lag, snapshot progress. */
    Map<String, Object> figures() {
        return RoleFigures.of(ctx.hostId(), primary, backup, retiredShell, gauges, metrics);
    }

    /**
     * Copies the VM's recording as this host's primary holds it into a temporary file under {@code dir} (see
     * {@link RecordingExport}); null when this host is not the VM's primary.
     */
    java.nio.file.Path copyRecording(java.nio.file.Path dir) throws java.io.IOException {
        PrimaryRole p = primary;
        return p == null ? null : RecordingExport.copy(vmId, p, dir);
    }

    /**
     * What a crash drill did: the role it killed, when (wall clock) and at which tenure; or, when {@code refused} is
     * not null, why nothing was killed.
     */
    record Crash(String role, long crashedAtUnixMillis, long tenure, String refused) {
        static Crash refused(String role, String why) {
            return new Crash(role, -1, -1, why);
        }
    }

    /**
     * Kills this host's instance of {@code role} the way a host failure would: no goodbye, no record change, the
     * connection just ends (failover drills). The tenure is not taken up again.
     *
     * @return null when this host does not run that role for the VM
     */
    Crash crash(String role) {
        VmState s = lastState;
        String me = ctx.hostId();
        // A drill kills one copy of a protected VM: never the last one, never in the middle of a role change.
        if (s == null || s.status() != io.ftvm.coordinator.VmStatus.PROTECTED) {
            return Crash.refused(role, "VM " + vmId + " is " + (s == null ? "unknown" : s.status())
                    + " in this host's view: a drill needs it PROTECTED");
        }
        try {
            if (role.equals("primary")) {
                PrimaryRole p = primary;
                if (p == null || !s.names(me, Role.PRIMARY) || s.primarySince() != primaryTenure
                        || p.state() != PrimaryRole.State.PROTECTED) {
                    return p == null && backup == null ? null : Crash.refused(role, "this host's primary of VM "
                            + vmId + " is " + (p == null ? "not running" : p.state()) + ", not PROTECTED at epoch "
                            + s.epoch());
                }
                primary = null;
                crashed = true;
                long at = ctx.clock().unixNanos() / 1_000_000; // the crash instant: the drill's timings count from here
                p.close();
                footprint.releasePrimary();
                LOG.warn("VM {}: primary instance of tenure {} killed by a drill", vmId, primaryTenure);
                return new Crash(role, at, primaryTenure, null);
            }
            BackupRole b = backup;
            if (b == null || !s.names(me, Role.BACKUP) || s.backupSince() != backupTenure
                    || b.state() != BackupRole.State.REPLAYING) {
                return b == null && primary == null ? null : Crash.refused(role, "this host's backup of VM " + vmId
                        + " is " + (b == null ? "not running" : b.state()) + ", not REPLAYING at epoch " + s.epoch());
            }
            backup = null;
            long at = ctx.clock().unixNanos() / 1_000_000;
            b.close();
            footprint.releaseBackup(backupTenure);
            ctx.directory().withdraw(vmId, Role.BACKUP, backupTenure);
            LOG.warn("VM {}: backup instance of tenure {} killed by a drill", vmId, backupTenure);
            return new Crash(role, at, backupTenure, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Crash.refused(role, "interrupted");
        }
    }

    /**
     * Starts a planned switchover of this host's primary to its in-sync backup ({@link PrimaryRole#switchOver});
     * called on an admin thread (the fencing that completes it comes from the reconcile thread).
     *
     * @return null when this host is not the VM's primary
     */
    java.util.concurrent.CompletableFuture<io.ftvm.primary.Switchover.Result> switchOver(java.time.Duration timeout) {
        PrimaryRole p = primary;
        VmState s = lastState;
        if (p == null || s == null || !s.names(ctx.hostId(), Role.PRIMARY) || s.primarySince() != primaryTenure) {
            return null;
        }
        if (s.status() != VmStatus.PROTECTED) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("VM " + vmId + " is "
                    + s.status() + " in this host's view of the record: a switchover needs it PROTECTED"));
        }
        return handOver(p, timeout);
    }

    private java.util.concurrent.CompletableFuture<io.ftvm.primary.Switchover.Result> handOver(PrimaryRole p,
            java.time.Duration timeout) {
        return console.switchOver(p, timeout, ctx.consoleOf());
    }

    VmConsoleBackend console() {
        return console;
    }

    /** Brings this host's part in line with the record. */
    void reconcile(ReconcilePlanner.VmView view) {
        lastState = view.state().state();
        if (ctx.managing().getAsBoolean()) { // only the manager's host exports the status (and knows what is unplaced)
            protectionCode = ctx.protectionCode().apply(view);
        }
        try {
            reconcileRoles(view);
        } finally {
            reconciledEpoch = view.state().epoch();
            gauges.sample(ctx.clock().nanoTime());
        }
    }

    /** The epoch of the record this host's roles were last brought in line with (-1: none yet). */
    long reconciledEpoch() {
        return reconciledEpoch;
    }

    private void reconcileRoles(ReconcilePlanner.VmView view) {
        VmState s = view.state().state();
        String me = ctx.hostId();
        if (backup != null) {
            BackupRole.State bs = backup.state();
            if (bs == BackupRole.State.LIVE) {
                primary = backup.primary();
                primaryTenure = tookOverAt;
                tookOverAt = -1; // live: from here on an ordinary primary tenure (a drill may kill it, say)
                footprint.backupWentLive(backupTenure);
                tenuresSeen.add(primaryTenure);
                console.serve(primary, backup.history());
                ctx.directory().withdraw(vmId, Role.BACKUP, backupTenure);
                retired(backup);
                backup = null;
                return; // this view may predate the takeover: judge the new primary on the next one
            } else if (bs == BackupRole.State.STOPPED || bs == BackupRole.State.FENCED) {
                LOG.warn("VM {}: backup tenure {} ended: {}", vmId, backupTenure, backup.failure());
                if (backup.failure() != null) {
                    // only a failure of this host's own (its disk, its memory: the replay threw) keeps backups off
                    // it; a divergence, a primary that sent no snapshot, a guest that powered off do not
                    resignFailedBackup(backupTenure, "failed: " + backup.failure(),
                            backup.failure().startsWith("replay failed: "));
                }
                ctx.directory().withdraw(vmId, Role.BACKUP, backupTenure);
                close(backup);
                footprint.releaseBackup(backupTenure);
                backup = null;
            } else if (bs != BackupRole.State.TAKING_OVER && !backup.takeoverUnderWay()
                    && !(s.names(me, Role.BACKUP) && s.backupSince() == backupTenure)) {
                LOG.warn("VM {}: record no longer names this host backup of tenure {} ({}): discarding", vmId,
                        backupTenure, s);
                close(backup);
                footprint.releaseBackup(backupTenure);
                backup = null;
            }
        }
        if (primary != null && s.epoch() < primaryTenure) {
            return; // a view older than this host's own tenure: wait for the cache to catch up
        }
        if (primary != null) {
            PrimaryRole.State ps = primary.state();
            if (ps == PrimaryRole.State.STOPPED) {
                // The guest ended here: record it once; the console keeps serving the final output.
                if (s.names(me, Role.PRIMARY) && s.primarySince() == primaryTenure) {
                    stopRecord(primaryTenure, "the guest stopped on " + me);
                }
                return;
            } else if (ps == PrimaryRole.State.FENCED) {
                primary = null;
                footprint.releasePrimary();
            } else if (!(s.names(me, Role.PRIMARY) && s.primarySince() == primaryTenure)) {
                // clients are told where the primary is now before the role ends (after a switchover they then
                // reconnect at once, rather than being refused without a hint in between)
                String where = s.primary() == null ? null : ctx.consoleOf().apply(s.primary());
                console.redirect(where, s.primary() == null ? "the VM is " + s.status()
                        : "the primary is " + s.primary());
                primary.fence("the record names " + s.primary() + " primary at epoch " + s.epoch());
                primary = null;
                footprint.releasePrimary();
            } else if (s.status() == VmStatus.SYNCING && ps == PrimaryRole.State.UNPROTECTED
                    && s.backupSince() != attachedBackupTenure) {
                if (!attachBackup(s)) {
                    giveUpOnSilentBackup(s);
                }
            } else if (s.status() == VmStatus.PROTECTED && ps == PrimaryRole.State.PROTECTED
                    && ctx.drained().getAsBoolean()) {
                PrimaryRole p = primary;
                drains.maybeStart(() -> handOver(p, java.time.Duration.ofSeconds(5)));
            }
        }
        if (primary != null) {
            // clients keep a connection ready to the host the VM would go to (see ConsoleMessage.Standby)
            console.standby(s.status() == VmStatus.PROTECTED && s.backup() != null
                    ? ctx.consoleOf().apply(s.backup()) : null);
        }
        if (primary == null && backup == null) {
            // A primary tenure this process has not seen can only come from a Start: a takeover by this host is
            // recorded when it happens, and tenures from a previous life of this ftd are adopted at start-up.
            if (s.names(me, Role.PRIMARY) && s.primarySince() == tookOverAt && s.status().running()) {
                // this host's backup won the takeover but failed before it went live: the VM's state is gone with
                // it (never boot it afresh on our own); say so, as for a primary of a previous life
                String why = "the backup on " + me + " won the takeover (epoch " + tookOverAt + ") but failed before "
                        + "it went live: the VM's running state is lost; 'ftctl vm start " + vmId + "' boots it again";
                LOG.error("VM {}: {}", vmId, why);
                stopRecord(tookOverAt, why);
            } else if (s.names(me, Role.PRIMARY) && s.primarySince() != tookOverAt
                    && tenuresSeen.add(s.primarySince())) {
                boot(view.spec(), s.primarySince());
            } else if (s.names(me, Role.BACKUP) && s.status() == VmStatus.SYNCING && tenuresSeen.add(-s.backupSince())) {
                startBackup(s, view.spec());
            }
        }
        if (primary == null) {
            if (crashed && s.names(me, Role.PRIMARY) && s.primarySince() == primaryTenure) {
                console.redirect(null, "the primary was killed; a backup is taking over");
                return;
            }
            crashed = false;
            String orphaned = orphan.judge(s, h -> ctx.consoleOf().apply(h) != null);
            if (orphaned != null) {
                LOG.warn("VM {}: {}", vmId, orphaned);
                stopRecord(s.primarySince(), orphaned);
            }
            String where = s.primary() == null ? null : ctx.consoleOf().apply(s.primary());
            if (lostWatch.lost(s, where)) {
                console.lost("no primary: host " + s.primary() + " is gone and the VM had no backup in sync to take "
                        + "over (" + s + ")");
            } else {
                console.hintPrimary(where, s.primary() == null ? "the VM is " + s.status()
                        : "the primary is " + s.primary());
            }
        }
    }

    private void boot(VmSpec spec, long tenure) {
        VmMachines.Booted booted = null;
        GuestNetwork net = GuestNetwork.NONE;
        try {
            ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
            // checked again here, not only when the VM was created: a record may predate the rule or be written by hand
            booted = ctx.machines().boot(vmId, tenure, spec, router);
            net = ctx.machines().network(vmId, spec);
            OutputHistory history = new OutputHistory(HISTORY_BYTES, 0);
            ZkAuthority auth = new ZkAuthority(ctx.records(), vmId, ctx.hostId());
            primary = newPrimary(booted.machine(), router, history, 0, auth.primary(tenure));
            primary.attachNetwork(net);
            primaryTenure = tenure;
            attachedBackupTenure = -1;
            footprint.primaryBooted(booted.disks(), booted.diskDir());
            primary.start();
            console.serve(primary, history);
            LOG.info("VM {}: booted {} as primary (tenure {})", vmId, spec.image(), tenure);
        } catch (Exception e) {
            net.close();
            if (booted != null) {
                VmMachines.closeAll(booted.disks());
                RoleFootprint.deleteQuietly(booted.diskDir());
            }
            primary = null;
            LOG.error("VM {}: cannot boot {}: {}", vmId, spec.image(), e.getMessage());
            stopRecord(tenure, "boot failed on " + ctx.hostId() + ": " + e.getMessage());
        }
    }

    private PrimaryRole newPrimary(Machine m, ConsoleRouter router, OutputHistory history, long inputFrom,
            io.ftvm.primary.RoleAuthority authority) {
        PrimaryRole p = new PrimaryRole(vmId, ctx.primarySettings(), m, router, history, inputFrom, authority,
                ctx.clock(), metrics);
        p.addListener((from, to, reason) -> ctx.metrics().counter(metrics.name("ftvm_role_transitions_total",
                "role", "primary", "state", to.name())).inc());
        return p;
    }

    private void startBackup(VmState assigned, VmSpec spec) {
        long tenure = assigned.backupSince();
        String primaryHost = assigned.primary();
        try {
            ZkAuthority auth = new ZkAuthority(ctx.records(), vmId, ctx.hostId());
            TakeoverAuthority takeover = (reason, planned) -> {
                TakeoverAuthority.Outcome o = auth.backup(tenure).takeOver(reason, planned);
                if (o.verdict() == io.ftvm.primary.RoleAuthority.Verdict.WON) {
                    tookOverAt = o.epoch();
                }
                return o;
            };
            // The pair's key, published only where the cluster's identity can read it; the primary proves it holds
            // it, and the record (as this host last saw it) must still name this pair.
            PairKey key = PairKey.random();
            PeerIdentity id = new PeerIdentity(PeerIdentity.PROTOCOL_VERSION, ctx.cluster(), vmId, tenure,
                    new PairTrust(ctx.hostId(), primaryHost, key, h -> admitPrimary(tenure, primaryHost)));
            BackupRole b = new BackupRole(vmId, id, ctx.backupSettings().withSnapshotDir(footprint.backupDir(tenure)), takeover,
                    ctx.clock(), metrics);
            // While it replays, the guest's NIC is attached to nothing; it goes on this host's bridge when live.
            TapNetwork nic = ctx.machines().prepareNetwork(vmId, spec);
            footprint.backupNic(nic);
            b.networkOnLive(() -> {
                try {
                    return ctx.machines().goLive(nic);
                } catch (NetworkSetupException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            b.addListener((from, to, reason) -> {
                ctx.metrics().counter(metrics.name("ftvm_role_transitions_total", "role", "backup", "state",
                        to.name())).inc();
                console.backupTransition(from, to, reason);
            });
            // Serve the console the moment this host is primary (the reconcile pass adopts the role after).
            b.onLive(p -> console.serve(p, b.history()));
            b.start();
            backup = b;
            backupTenure = tenure;
            InetSocketAddress a = b.address();
            ctx.directory().publish(vmId, Role.BACKUP, tenure, new Endpoint(ctx.advertise(a.getPort()), key.toHex()));
            LOG.info("VM {}: backup of tenure {} listening at {} for primary {}", vmId, tenure, a, primaryHost);
        } catch (Exception e) {
            footprint.closeBackupNic();
            LOG.error("VM {}: cannot start a backup: {}", vmId, e.getMessage());
            resignFailedBackup(tenure, "could not start: " + e.getMessage(), true);
        }
    }

    /**
     * The record's word on a primary that proved it holds the pair's key: the VM's state as this host last read it
     * must still name {@code primaryHost} primary and this host backup of {@code tenure}.
     */
    private void admitPrimary(long tenure, String primaryHost) throws HandshakeRefusedException {
        VmState s = lastState;
        if (s == null || !s.names(primaryHost, Role.PRIMARY) || !s.names(ctx.hostId(), Role.BACKUP)
                || s.backupSince() != tenure) {
            throw new HandshakeRefusedException("the record of VM " + vmId + " (" + s + ") no longer names "
                    + primaryHost + " primary with this host backup of epoch " + tenure);
        }
    }

    /** The record's word on the backup this primary attaches to (see {@link #admitPrimary}). */
    private void admitBackup(long tenure, String backupHost) throws HandshakeRefusedException {
        VmState s = lastState;
        if (s == null || !s.names(backupHost, Role.BACKUP) || s.backupSince() != tenure
                || !s.names(ctx.hostId(), Role.PRIMARY) || s.primarySince() != primaryTenure) {
            throw new HandshakeRefusedException("the record of VM " + vmId + " (" + s + ") no longer names "
                    + backupHost + " backup of epoch " + tenure + " for this host's primary tenure " + primaryTenure);
        }
    }

    /**
     * A backup assigned to this primary that has not published its endpoint within {@link #BACKUP_START_MILLIS}
     * (its host hangs, or restarted and lost it, or cannot start it) is given up: the VM goes unprotected and the
     * manager places another, rather than the record saying SYNCING for a backup that never comes.
     */
    private void giveUpOnSilentBackup(VmState s) {
        long now = ctx.clock().nanoTime();
        if (awaitedBackupTenure != s.backupSince()) {
            awaitedBackupTenure = s.backupSince();
            awaitedBackupSince = now;
            return;
        }
        if (now - awaitedBackupSince > BACKUP_START_MILLIS * 1_000_000L) {
            awaitedBackupSince = now; // once per wait: the record change ends it
            new RoleRecord(ctx.records(), vmId, ctx.hostId()).dropBackup(primaryTenure, s.backupSince(),
                    "backup host " + s.backup() + " did not start the backup within " + BACKUP_START_MILLIS / 1000
                            + " s");
        }
    }

    /** @return false when the backup has not published its endpoint yet (or it cannot be read): try again later */
    private boolean attachBackup(VmState s) {
        Optional<Endpoint> where;
        try {
            where = ctx.directory().lookup(vmId, Role.BACKUP, s.backupSince());
        } catch (CoordinatorException e) {
            return false; // try again on the next pass (a malformed endpoint record is logged by the next lookup too)
        }
        if (where.isEmpty()) {
            return false; // the backup has not published its endpoint yet
        }
        Endpoint e = where.get();
        long tenure = s.backupSince();
        String backupHost = s.backup();
        InetSocketAddress addr = new InetSocketAddress(e.host(), e.port());
        attachedBackupTenure = tenure;
        primary.attachBackup(addr, backupHost, new PeerIdentity(PeerIdentity.PROTOCOL_VERSION, ctx.cluster(), vmId,
                tenure, new PairTrust(ctx.hostId(), backupHost, PairKey.fromHex(e.pairKey()),
                        h -> admitBackup(tenure, backupHost))));
        return true;
    }

    /** How long a primary waits for an assigned backup to publish its endpoint. */
    private static final long BACKUP_START_MILLIS = 10_000;
    private long awaitedBackupTenure = -1;
    private long awaitedBackupSince;

    /**
     * Gives up this host's backup role of {@code tenure} that failed here ({@code what}), while the record still
     * names it: the VM goes unprotected at once and the manager places a new backup, instead of the primary waiting
     * for a backup that will never come; when it was this host's fault ({@code hostFault}), on another host for a
     * while.
     */
    private void resignFailedBackup(long tenure, String what, boolean hostFault) {
        String why = "the backup on " + ctx.hostId() + " " + what;
        new RoleRecord(ctx.records(), vmId, ctx.hostId()).resignBackup(tenure,
                hostFault ? io.ftvm.coordinator.Transitions.backupFailed(why) : why);
    }

    private void stopRecord(long tenure, String reason) {
        new RoleRecord(ctx.records(), vmId, ctx.hostId()).stop(tenure, reason);
    }

    /** A backup shell whose primary lives on (closed with the instance). */
    private volatile BackupRole retiredShell;

    private void retired(BackupRole b) {
        retiredShell = b;
    }

    private static void close(BackupRole b) {
        try {
            b.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the roles and removes the VM's metrics (the VM was deleted). */
    void delete() {
        if (backup != null) {
            try {
                ctx.directory().withdraw(vmId, Role.BACKUP, backupTenure); // the pair's key goes with the VM
            } catch (CoordinatorException e) {
                LOG.warn("VM {}: cannot withdraw the backup endpoint: {}", vmId, e.getMessage());
            }
        }
        close();
        gauges.remove();
    }

    @Override
    public void close() {
        try {
            if (primary != null) {
                primary.close();
                footprint.releasePrimary();
            }
            if (backup != null) {
                backup.close();
                footprint.releaseBackup(backupTenure);
            }
            footprint.closeBackupNic();
            if (retiredShell != null) {
                retiredShell.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
