package io.ftvm.backup;

import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.GuestNetwork;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.RecordingCopy;
import io.ftvm.primary.RecordingTap;
import io.ftvm.primary.RecordingUnavailableException;
import io.ftvm.primary.VmMetrics;
import io.ftvm.primary.RoleAuthority;
import io.ftvm.replication.BackupEndpoint;
import io.ftvm.replication.Messages;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.replication.ReceiverLog;
import io.ftvm.replication.SnapshotReceiver;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.devices.virtio.DiskImage;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup role of one VM, an explicit state machine:
 *
 * <pre>
 * JOINING --snapshot received--> LOADING_SNAPSHOT --restored--> REPLAYING
 * REPLAYING --primary disconnected past the grace, or it handed the VM over--> TAKING_OVER
 * TAKING_OVER --CAS won, replayed to the end--> LIVE
 * TAKING_OVER --CAS lost--> FENCED
 * any --divergence, a corrupt log, a failed restore, no snapshot in time, or stop--> STOPPED (discarded)
 * </pre>
 *
 * Receiving runs on the network thread (entries are ACKed on receipt, before replay); replay runs on its own thread
 * and never passes the last entry received. When LIVE, the VM continues as a {@link PrimaryRole} on the same machine.
 */
public final class BackupRole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRole.class);
    private static final long REPLAY_WAIT_NANOS = 5_000_000L;

    /** The backup's states (see the class comment for the edges). */
    public enum State {
        JOINING, LOADING_SNAPSHOT, REPLAYING, TAKING_OVER, LIVE, FENCED, STOPPED
    }

    /** Told of every state change. */
    @FunctionalInterface
    public interface Listener {
        void transition(State from, State to, String reason);
    }

    private final String vmId;
    private final BackupSettings settings;
    private final TakeoverAuthority authority;
    private final WallClock clock;
    private final VmMetrics metrics;
    private final SnapshotReceiver snapshots;
    private volatile Takeover lastTakeover;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<PrimaryRole>> liveListeners = new CopyOnWriteArrayList<>();
    private final BackupEndpoint endpoint;
    private final Thread replayThread;
    private volatile State state = State.JOINING;
    private volatile IncomingEventLog log = new IncomingEventLog();
    /** The VM's live recording from the join snapshot on; the primary this backup becomes continues it. */
    private volatile RecordingTap recording;
    private volatile Path pendingSnapshot;
    /** This host's copies of the VM's disks, from the join snapshot on. */
    private final JoinDisks disks;
    private volatile Machine machine;
    private volatile OutputHistory history;
    private volatile ConsoleRouter router;
    /** How many of the guest's last frames a takeover sends again. */
    static final int RESENT_FRAMES = 32;
    private volatile RecentFrames recentFrames = new RecentFrames(RESENT_FRAMES);
    private volatile PrimaryRole primary;
    private volatile boolean everConnected;
    private volatile long disconnectedSince = -1;
    private volatile String failure;

    /**
     * Listens for the primary of {@code identity}'s VM and epoch.
     *
     * @throws IOException when the snapshot directory cannot be created
     */
    public BackupRole(String vmId, PeerIdentity identity, BackupSettings settings, TakeoverAuthority authority,
            WallClock clock, VmMetrics metrics) throws IOException, InterruptedException {
        this.vmId = vmId;
        this.settings = settings;
        this.authority = authority;
        this.clock = clock;
        this.metrics = metrics;
        this.recording = new RecordingTap(settings.asPrimary().recording(), vmId);
        this.disks = new JoinDisks(settings.snapshotDir().resolve("disks"));
        // A snapshot replaces the VM's whole state: only while joining, from the primary that proved itself.
        this.snapshots = new SnapshotReceiver(settings.snapshotDir(), this::installSnapshot, () -> {
            State s = state;
            return s == State.JOINING || s == State.LOADING_SNAPSHOT ? null : "the backup of VM " + vmId + " is " + s
                    + " (a snapshot is accepted only while joining)";
        });
        ReceiverLog receiver = new ReceiverLog(identity, 0, this::receive);
        receiver.setHandOverListener(this::handOverRequested);
        this.endpoint = new BackupEndpoint(settings.listen(), receiver, settings.connection(), snapshots);
        this.replayThread = new Thread(this::run, "backup-replay-" + vmId);
        listeners.add((from, to, reason) -> LOG.info("VM {} backup: {} -> {} ({})", vmId, from, to, reason));
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    private volatile java.util.function.Supplier<GuestNetwork> networkOnLive = () -> GuestNetwork.NONE;

    /**
     * Where the guest's NIC is attached when this backup goes live (while it replays, the NIC is attached to
     * nothing: the frames replay produces are discarded). Called on the takeover path; a supplier that fails leaves
     * the new primary without a network, logged.
     */
    public void networkOnLive(java.util.function.Supplier<GuestNetwork> s) {
        this.networkOnLive = s;
    }

    /** Told once, with the new primary, when this backup goes live. */
    public void onLive(Consumer<PrimaryRole> l) {
        liveListeners.add(l);
    }

    public void start() {
        replayThread.start();
    }

    /** Where the primary connects. */
    public InetSocketAddress address() {
        return endpoint.address();
    }

    public State state() {
        return state;
    }

    /** Why the backup stopped (divergence, corrupt log...), or null. */
    public String failure() {
        return failure;
    }

    /** Recent console output (null until the snapshot is loaded). */
    public OutputHistory history() {
        return history;
    }

    /**
     * Writes this VM's recording as this host holds it (see {@link PrimaryRole#copyRecording}): from the snapshot
     * the backup joined from through every entry received, and after a takeover on through the new primary's own.
     *
     * @throws RecordingUnavailableException before the join snapshot arrived, or when recording is off or closed
     */
    public RecordingCopy copyRecording(OutputStream out) throws IOException, RecordingUnavailableException {
        return recording.copyTo(out);
    }

    /** The primary this backup became (null until LIVE). */
    public PrimaryRole primary() {
        return primary;
    }

    /** The replication endpoint's counters (bytes received, refused connections). */
    public io.ftvm.replication.Framing.Stats replicationStats() {
        return endpoint.stats();
    }

    /**
     * The timing of this backup's takeover (won at {@code epoch}): when it decided (wall clock), how long it had
     * noticed the primary's absence before deciding ({@code detectionNanos}: the disconnect notice to the decision, i.e. the grace period
     * and the replay loop's reaction), and the decision to going live ({@code takeoverNanos}: the ZooKeeper CAS,
     * replay to the end of the log, starting record mode).
     */
    public record Takeover(long epoch, long decidedUnixMillis, long liveUnixMillis, long detectionNanos,
            long takeoverNanos) {
    }

    /** The takeover this backup made, or null. */
    public Takeover lastTakeover() {
        return lastTakeover;
    }

    /** The highest instruction count the primary has shipped (-1: none yet): replay lags it by the difference. */
    public long receivedIcount() {
        return log.receivedIcount();
    }

    /** Bytes of the snapshot in transfer received so far (0 when none is in transfer). */
    public long snapshotReceivedBytes() {
        return snapshots.received();
    }

    /** The size of the snapshot in transfer (0 when none is). */
    public long snapshotOfferedBytes() {
        return snapshots.offeredBytes();
    }

    /** Entries received that replay has not reached yet. */
    public int backlog() {
        return log.backlog();
    }

    /** The replayed machine's instruction count (-1 before the snapshot). */
    public long icount() {
        Machine m = machine;
        return m == null ? -1 : m.icount();
    }

    private synchronized void transition(State to, String reason) {
        State from = state;
        if (from == to || from == State.FENCED || from == State.STOPPED || from == State.LIVE) {
            return;
        }
        state = to;
        for (Listener l : listeners) {
            l.transition(from, to, reason);
        }
    }

    // ---------------------------------------------------------------- network thread

    /**
     * Stores a received entry before it is ACKed. A backup that cannot keep it (stopped, or the entry is corrupt)
     * throws, so the connection closes without an ACK: the primary never counts it as durable here.
     */
    private void receive(Messages.Entry e) {
        State s = state;
        if (s == State.STOPPED || s == State.FENCED || s == State.LIVE || s == State.TAKING_OVER) {
            throw new IllegalStateException("backup of VM " + vmId + " is " + s + ": entry not accepted");
        }
        everConnected = true;
        if (handOverAt >= 0) {
            // the primary sent more after its hand-over: it gave the switchover up (its deadline passed) and runs on.
            // The takeover it asked for is already under way in ZooKeeper: refuse the entry (unACKed, so nothing the
            // resumed primary does is released); a takeover that could not be decided lets entries in again.
            throw new IllegalStateException("backup of VM " + vmId + " is taking over after the hand-over at icount "
                    + handOverAt + ": entry not accepted");
        }
        try {
            log.receive(e);
            recording.appendShipped(e);
        } catch (RecordingException ex) {
            fail("corrupt log entry: " + ex.getMessage());
            throw new IllegalStateException("corrupt log entry: " + ex.getMessage(), ex);
        }
    }

    /** The icount at which the primary handed the VM over (a planned switchover), or -1. */
    private volatile long handOverAt = -1;

    /** Network thread: the primary paused its VM with every entry acknowledged here and asks this backup to go live. */
    private void handOverRequested(Messages.HandOver h) {
        State now = state;
        // LOADING_SNAPSHOT: the primary counts this backup in sync from its first ACK, which comes before the
        // snapshot is restored; replay takes over once it is, at the end of the log
        if (now != State.REPLAYING && now != State.LOADING_SNAPSHOT) {
            throw new IllegalStateException("backup of VM " + vmId + " is " + state + ": hand-over at icount "
                    + h.icount() + " refused");
        }
        LOG.info("VM {}: the primary hands the VM over at icount {} (planned switchover)", vmId, h.icount());
        // The compare-and-set starts now, while the replay thread catches up with the log's end (the two used to run
        // one after the other); from here on no entry is accepted (receive), so the log ends where the hand-over said.
        // The future is set before handOverAt, which tells the replay thread to take it.
        String why = "the primary handed the VM over at icount " + h.icount() + " (planned switchover)";
        plannedOutcome = java.util.concurrent.CompletableFuture.supplyAsync(() -> authority.takeOver(why, true),
                r -> {
                    Thread t = new Thread(r, "backup-takeover-" + vmId);
                    t.setDaemon(true);
                    t.start();
                });
        handOverAt = h.icount();
        log.wake(); // the replay thread takes over now, not at the end of its wait for entries
    }

    /**
     * Whether this backup is taking the VM over: its compare-and-set may be under way or won, so the record may name
     * it primary while it is still a backup (the owner must not discard it for that).
     */
    public boolean takeoverUnderWay() {
        return plannedOutcome != null || state == State.TAKING_OVER;
    }

    /** The planned takeover's compare-and-set, started at the hand-over (null: none under way). */
    private volatile java.util.concurrent.CompletableFuture<TakeoverAuthority.Outcome> plannedOutcome;

    /** The planned takeover's outcome (waiting for its compare-and-set), or RETRY when it failed. */
    private TakeoverAuthority.Outcome plannedOutcome() throws InterruptedException {
        java.util.concurrent.CompletableFuture<TakeoverAuthority.Outcome> f = plannedOutcome;
        plannedOutcome = null;
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("VM {}: the planned takeover's compare-and-set failed: {}", vmId, e.getCause().toString());
            return TakeoverAuthority.Outcome.retry();
        }
    }

    /** The console output that came with the snapshot being installed (null: none). */
    private volatile io.ftvm.primary.ConsoleTail pendingTail;

    /** A snapshot arrived whole and verified: replay restarts from it, on a fresh log. */
    private synchronized void installSnapshot(Messages.SnapshotOffer offer, Path file) throws IOException {
        State s = state;
        if (s != State.JOINING && s != State.LOADING_SNAPSHOT) {
            // a snapshot replaces the VM's state: never once replay runs (nor during a takeover, which must not have
            // the log or the recording swapped under it)
            throw new IOException("backup of VM " + vmId + " is " + s + ": snapshot " + offer.snapshotId()
                    + " not installed");
        }
        pendingTail = io.ftvm.primary.ConsoleTail.detach(file).orElse(null); // the file is the snapshot's again
        file = disks.received(file); // a bundle's disks are split off: the tap records the machine snapshot
        RecordingTap tap = new RecordingTap(settings.asPrimary().recording(), vmId);
        tap.beginFromSnapshot(file, offer.icount()); // copied before replay loads (and deletes) it
        RecordingTap oldTap = recording;
        recording = tap; // entries after the snapshot arrive on this thread, after this
        oldTap.close();
        IncomingEventLog old = log;
        log = new IncomingEventLog();
        pendingSnapshot = file;
        old.close();
    }

    // ---------------------------------------------------------------- replay thread

    /** Digests already counted from the current replay driver (replay thread only). */
    private long digestsCounted;

    private void run() {
        long joinDeadline = clock.nanoTime() + settings.joinTimeout().toNanos();
        ReplayDriver driver = null;
        try {
            while (state != State.STOPPED && state != State.FENCED && state != State.LIVE) {
                Path snap = pendingSnapshot;
                if (snap != null) {
                    pendingSnapshot = null;
                    driver = load(snap);
                    digestsCounted = 0;
                    continue;
                }
                if (driver == null) {
                    if (clock.nanoTime() > joinDeadline) {
                        fail("no snapshot from a primary within " + settings.joinTimeout().toMillis() + " ms");
                        return;
                    }
                    Thread.sleep(5);
                    continue;
                }
                ReplayDriver.Result r = driver.run(Long.MAX_VALUE, REPLAY_WAIT_NANOS);
                metrics.digestsChecked(r.digestsChecked() - digestsCounted);
                digestsCounted = r.digestsChecked();
                if (r.outcome() == ReplayDriver.Outcome.POWERED_OFF) {
                    fail("the guest powered off (exit code " + r.exitCode() + "); nothing left to protect");
                    return;
                }
                if (pendingSnapshot == null && handOverAt >= 0) {
                    takeOver(driver, true);
                } else if (pendingSnapshot == null && primaryLost()) {
                    takeOver(driver, false);
                }
            }
        } catch (DivergenceException e) {
            if (state == State.STOPPED) {
                // closed meanwhile: the interrupt that close() sends can end a run short of its entry; not a
                // divergence of the guest (nothing is counted or reported)
                LOG.debug("VM {}: replay ended by close: {}", vmId, e.getMessage());
                return;
            }
            metrics.digestMismatch();
            fail("divergence: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (state == State.STOPPED) {
                return;
            }
            fail("replay failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ReplayDriver load(Path snap) throws IOException {
        transition(State.LOADING_SNAPSHOT, "snapshot " + snap.getFileName() + " received");
        OutputHistory h;
        ConsoleRouter r = new ConsoleRouter((icount, offset, b) -> { });
        Machine m;
        List<DiskImage> attached = disks.restore();
        try (InputStream in = Files.newInputStream(snap)) {
            m = SnapshotFile.read(in, r, new Attachments(attached));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot restore snapshot " + snap + ": " + e.getMessage(), e);
        }
        io.ftvm.primary.ConsoleTail tail = pendingTail;
        pendingTail = null;
        // the output the primary had released before the snapshot, when it came along: clients behind the snapshot's
        // offset can still resume here after a takeover
        h = tail == null ? new OutputHistory(settings.historyBytes(), m.consoleOffset())
                : tail.historyAt(settings.historyBytes(), m.consoleOffset());
        OutputHistory target = h;
        RecentFrames frames = new RecentFrames(RESENT_FRAMES);
        r.route(new io.ftvm.vmm.board.OutputSink() {
            @Override
            public void console(long icount, long offset, int b) {
                target.append(offset, (byte) b);
                target.published();
            }

            @Override
            public void frame(long icount, byte[] frame) {
                frames.add(frame); // attached to nothing while replaying; kept for the takeover
            }
        });
        recentFrames = frames;
        try {
            Files.deleteIfExists(snap); // restored: the file is not needed again (a new join sends a new one)
        } catch (IOException e) {
            LOG.warn("VM {}: cannot delete {}: {}", vmId, snap, e.toString());
        }
        machine = m;
        history = h;
        router = r;
        disconnectedSince = -1;
        transition(State.REPLAYING, "restored at icount " + m.icount());
        return new ReplayDriver(m, log);
    }

    /** The primary has been disconnected for longer than the grace period (after having connected). */
    private boolean primaryLost() {
        if (endpoint.connected()) {
            everConnected = true;
            disconnectedSince = -1;
            return false;
        }
        if (!everConnected) {
            return false;
        }
        long now = clock.nanoTime();
        if (disconnectedSince < 0) {
            disconnectedSince = now;
            LOG.warn("VM {}: primary disconnected: {}", vmId, endpoint.lastCloseReason());
        }
        // A primary that went silent was already waited for by the failure detector; the grace is for one whose
        // connection broke (it may reconnect at once). One that said goodbye was alive a moment ago and dropped the
        // connection itself (it thought this backup silent): it reconnects, or gives this backup up in the record,
        // well within the longest peer timeout; taking over sooner would turn its suspicion into a failover.
        long patience = switch (endpoint.lastClose()) {
            case SILENCE -> 0;
            case GOODBYE -> settings.connection().peerTimeout().toNanos() + settings.takeoverGrace().toNanos();
            default -> settings.takeoverGrace().toNanos();
        };
        return now - disconnectedSince > patience;
    }

    /** {@code planned}: the primary handed the VM over (a switchover); otherwise it went silent. */
    private void takeOver(ReplayDriver driver, boolean planned) throws DivergenceException, InterruptedException {
        long decided = clock.nanoTime();
        long decidedUnixMillis = clock.unixNanos() / 1_000_000;
        long noticed = planned ? decided : disconnectedSince;
        String why = planned ? "the primary handed the VM over at icount " + handOverAt + " (planned switchover)"
                : "primary silent: " + (endpoint.lastCloseReason() == null ? "its connection closed"
                        : endpoint.lastCloseReason());
        transition(State.TAKING_OVER, why);
        if (planned && log.receivedIcount() != handOverAt) {
            // cannot happen: the hand-over named the end of the log, and entries are refused from it on
            LOG.error("VM {}: the log ends at icount {}, not at the hand-over's {}", vmId, log.receivedIcount(),
                    handOverAt);
        }
        TakeoverAuthority.Outcome o = planned ? plannedOutcome() : authority.takeOver(why, planned);
        long won = clock.nanoTime();
        if (o.verdict() == RoleAuthority.Verdict.RETRY) {
            // ZooKeeper unreachable: stay a backup (the primary may come back and the pair carry on); ask again. A
            // hand-over is not retried: the primary resumes its VM when this backup does not take over in time.
            handOverAt = -1;
            transition(State.REPLAYING, "takeover deferred: ZooKeeper unreachable");
            disconnectedSince = -1;
            Thread.sleep(100);
            return;
        }
        if (o.verdict() == RoleAuthority.Verdict.FENCED) {
            transition(State.FENCED, "another host won the takeover");
            endpoint.close();
            return;
        }
        // Nothing more is accepted from the old primary: receive() refuses entries from TAKING_OVER on, and the log
        // is closed here. The endpoint itself is closed once live (its event loop's shutdown takes tens of ms).
        IncomingEventLog l = log;
        l.close();
        ReplayDriver.Result end = driver.run(Long.MAX_VALUE, 0);
        long replayed = clock.nanoTime();
        if (end.outcome() == ReplayDriver.Outcome.POWERED_OFF) {
            fail("the guest powered off during the takeover");
            return;
        }
        PrimaryRole p = new PrimaryRole(vmId, settings.asPrimary(), machine, router, history, l.inputTotal(),
                o.asPrimary(), clock, metrics, recording);
        primary = p;
        long built = clock.nanoTime();
        GuestNetwork net = GuestNetwork.NONE;
        try {
            net = networkOnLive.get();
        } catch (RuntimeException e) {
            LOG.error("VM {}: the new primary runs without its network: {}", vmId, e.getMessage());
        }
        p.attachNetwork(net);
        // The old primary may have died holding the guest's last frames (never released): send the last few the
        // replay produced again, so clients need not wait for a retransmission timeout. A duplicate is harmless.
        int resent = 0;
        for (byte[] f : recentFrames.drain()) {
            net.send(f);
            resent++;
        }
        long networked = clock.nanoTime();
        p.start();
        net.announce(); // the bridge and the clients learn that the guest's MAC is here now
        long live = clock.nanoTime();
        lastTakeover = new Takeover(o.epoch(), decidedUnixMillis, decidedUnixMillis + (live - decided) / 1_000_000,
                decided - noticed, live - decided);
        if (planned) {
            metrics.switchedOver(live - decided);
        } else {
            metrics.tookOver(decided - noticed, live - decided);
        }
        transition(State.LIVE, "took over at icount " + end.icount() + " (epoch " + o.epoch() + "): CAS "
                + ms(won - decided) + " ms, replay to the end " + ms(replayed - won) + " ms, record mode started "
                + ms(live - replayed) + " ms (role " + ms(built - replayed) + ", network " + ms(networked - built)
                + ", start " + ms(live - networked) + "); " + resent + " recent frames sent again)");
        for (Consumer<PrimaryRole> c : liveListeners) {
            c.accept(p);
        }
        endpoint.close();
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private synchronized void fail(String why) {
        if (failure != null) {
            return;
        }
        failure = why;
        LOG.error("VM {} backup discarded: {}", vmId, why);
        transition(State.STOPPED, why);
        log.close();
    }

    @Override
    public void close() throws InterruptedException {
        transition(State.STOPPED, "closed");
        log.close();
        replayThread.interrupt();
        replayThread.join(5_000);
        endpoint.close();
        PrimaryRole p = primary;
        if (p != null) {
            p.close();
        }
        recording.close(); // deletes the file (the live primary, if any, closed it already)
        disks.close();
    }

    /** The disk images the machine runs on (this host's copies; empty for a machine without disks). */
    public List<DiskImage> disks() {
        return disks.attached();
    }
}
