package io.ftvm.primary;

import io.ftvm.replication.OutgoingSnapshot;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.replication.PrimaryConnection;
import io.ftvm.replication.SenderLog;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.WallClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary role of one VM, an explicit state machine:
 *
 * <pre>
 * STARTING --run--> UNPROTECTED --backup assigned--> SYNCING --first ACK after the snapshot--> PROTECTED
 * SYNCING/PROTECTED --backup silent past the timeout, CAS won--> UNPROTECTED
 * PROTECTED --switchover: VM paused, log acknowledged, backup told to take over, CAS won by it--> FENCED
 * any --CAS lost or fenced by the coordinator--> FENCED (halted; held output discarded)
 * any --stop, or the guest powered off--> STOPPED
 * </pre>
 *
 * The machine runs in record mode on its own thread; log entries go to the backup through {@link ShippingEventLog};
 * console output goes through the {@link OutputGate}; the VM is throttled while too much log is unacknowledged or
 * the gate is full. A monitor thread reconnects to a backup that dropped and decides when it is lost.
 */
public final class PrimaryRole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryRole.class);

    /** The primary's states (see the class comment for the edges). */
    public enum State {
        STARTING, UNPROTECTED, SYNCING, PROTECTED, FENCED, STOPPED
    }

    /** Told of every state change (logging is done here; metrics and the coordinator hook in). */
    @FunctionalInterface
    public interface Listener {
        void transition(State from, State to, String reason);
    }

    /** The backup this primary ships to: its log, its address, its connection and the snapshot it was sent. */
    private static final class Link {
        final SenderLog log;
        final InetSocketAddress address;
        final String name;
        final PeerIdentity identity;
        volatile PrimaryConnection connection;
        volatile OutgoingSnapshot snapshot;
        /** The snapshot being taken for this backup (VM thread completes it). */
        CompletableFuture<OutgoingSnapshot> snapshotRequest;
        final java.util.concurrent.atomic.AtomicBoolean inSyncPending = new java.util.concurrent.atomic.AtomicBoolean();
        long disconnectedSince = -1;
        long lastAttempt;

        Link(SenderLog log, InetSocketAddress address, String name, PeerIdentity identity) {
            this.log = log;
            this.address = address;
            this.name = name;
            this.identity = identity;
        }
    }

    private final PrimarySettings settings;
    private final Machine machine;
    private final ConsoleRouter router;
    private final OutputGate gate;
    private final OutputHistory history;
    private final InputBuffer input;
    private final ShippingEventLog shipping;
    private final RecordDriver driver;
    private final RoleAuthority authority;
    private final WallClock clock;
    private final String vmId;
    private final VmMetrics metrics;
    private final RecordingTap recording;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Runnable> inputAckListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService monitor;
    private final Thread vmThread;
    private volatile State state = State.STARTING;
    private volatile Link link;
    /** The backup whose snapshot the VM thread is to take at its next pause, or null. */
    private volatile Link snapshotFor;
    private volatile RunResult lastResult;
    /** The switchover the VM thread is to run at its next pause, or null. */
    private volatile Switchover switchover;
    /** Counted down when this role is fenced or closed (a switchover waits for it). */
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    private volatile long lastSnapshotPauseNanos = -1;

    /**
     * A primary for {@code machine} (already loaded or restored; its output sink is {@code router}), whose console
     * input continues at offset {@code inputFrom} and whose released output goes to {@code history}.
     */
    public PrimaryRole(String vmId, PrimarySettings settings, Machine machine, ConsoleRouter router,
            OutputHistory history, long inputFrom, RoleAuthority authority, WallClock clock, VmMetrics metrics) {
        this(vmId, settings, machine, router, history, inputFrom, authority, clock, metrics, null);
    }

    /**
     * As above, appending to {@code recording} (the tap of the backup this primary continues; it passes to this
     * role, which closes it), or, if null, to a new recording that starts with a snapshot of {@code machine}.
     */
    public PrimaryRole(String vmId, PrimarySettings settings, Machine machine, ConsoleRouter router,
            OutputHistory history, long inputFrom, RoleAuthority authority, WallClock clock, VmMetrics metrics,
            RecordingTap recording) {
        this.vmId = vmId;
        this.recording = recording != null ? recording : new RecordingTap(settings.recording(), vmId);
        this.metrics = metrics;
        this.settings = settings;
        this.machine = machine;
        this.router = router;
        this.authority = authority;
        this.clock = clock;
        this.history = history;
        this.gate = new OutputGate(history, settings.outputGateBytes(), machine::endSlice, clock::nanoTime,
                metrics::outputHeld);
        this.input = new InputBuffer(settings.inputBufferBytes(), inputFrom);
        this.shipping = new ShippingEventLog(inputFrom, this::flush);
        this.driver = new RecordDriver(machine, new TappedEventLog(shipping, this.recording), input,
                settings.record(), clock, icount -> throttle());
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "primary-monitor-" + vmId);
            t.setDaemon(true);
            return t;
        });
        this.vmThread = new Thread(this::runLoop, "primary-vm-" + vmId);
        listeners.add((from, to, reason) -> LOG.info("VM {} primary: {} -> {} ({})", vmId, from, to, reason));
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    private volatile GuestNetwork network = GuestNetwork.NONE;

    /**
     * Attaches the guest's NIC to {@code n} before the VM runs: frames from it are logged and delivered by record
     * mode, frames the guest sends leave through the output gate. The role closes it when it ends.
     */
    public void attachNetwork(GuestNetwork n) {
        if (vmThread.isAlive()) {
            throw new IllegalStateException("the network is attached before the VM runs");
        }
        network = n;
        gate.network(n);
        driver.setFrameSource(n);
    }

    /** Frames the output gate dropped for want of room (should stay 0). */
    public long framesDropped() {
        return gate.framesDropped();
    }

    /** Runs the VM (unprotected until a backup is attached). */
    public void start() {
        recording.beginFromMachine(machine); // before record mode runs; nothing if a backup's tap continues
        router.route(gate);
        transition(State.UNPROTECTED, "started");
        vmThread.start();
        long period = Math.max(5, settings.reconnectInterval().toMillis() / 4);
        monitor.scheduleWithFixedDelay(this::watchBackup, period, period, TimeUnit.MILLISECONDS);
    }

    public State state() {
        return state;
    }

    private synchronized void transition(State to, String reason) {
        State from = state;
        if (from == to || from == State.FENCED || from == State.STOPPED) {
            return;
        }
        state = to;
        for (Listener l : listeners) {
            l.transition(from, to, reason);
        }
    }

    // ---------------------------------------------------------------- the VM thread

    private void runLoop() {
        try {
            while (state != State.FENCED && state != State.STOPPED) {
                RunResult r = driver.run(Long.MAX_VALUE);
                lastResult = r;
                Link wanted = snapshotFor;
                if (wanted != null) {
                    takeSnapshot(wanted);
                    if (switchover != null) {
                        driver.requestPause(); // the snapshot's pause took the request: the switchover needs its own
                    }
                    continue;
                }
                Switchover so = switchover;
                if (so != null) {
                    switchover = null;
                    if (r.reason() == RunResult.Reason.LIMIT) {
                        switchOverPaused(so);
                        continue;
                    }
                    so.done.completeExceptionally(new IllegalStateException("the guest stopped (" + r.reason()
                            + ") before the switchover"));
                }
                if (r.reason() != RunResult.Reason.LIMIT) {
                    drainOutput();
                    transition(State.STOPPED, "the guest stopped: " + r.reason() + " (exit code " + r.exitCode()
                            + ") at icount " + r.icount());
                }
            }
        } catch (RecordingException e) {
            transition(State.STOPPED, "record mode failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Switchover so = switchover;
            if (so != null) {
                switchover = null;
                so.done.completeExceptionally(new IllegalStateException("the primary of VM " + vmId + " ended ("
                        + state + ") before the switchover"));
            }
        }
    }

    /**
     * The guest stopped: its last output may still wait for the backup's ACK. Stopping now would let the VM's record
     * say STOPPED, the backup be discarded and that output never be released, so wait until it is released: by the
     * ACK of the log's last entry (which holds everything the guest did), by going unprotected when the backup is
     * lost, or dropped when fenced. Bounded: past twice the backup-loss timeout the output stays held (never
     * released without an ACK) and the role stops anyway.
     */
    private void drainOutput() throws InterruptedException {
        long deadline = clock.nanoTime() + 2 * settings.backupLossTimeout().toNanos() + 5_000_000_000L;
        while (gate.held() > 0 && state != State.FENCED) {
            Link l = link;
            SenderLog log = shipping.sender();
            if (l != null && log == l.log && log.ackedSequence() >= log.nextSequence() - 1) {
                gate.release(Long.MAX_VALUE); // the backup holds the whole log: all the output is durable
                break;
            }
            if (clock.nanoTime() > deadline) {
                LOG.warn("VM {}: the guest stopped with {} output bytes never acknowledged by a backup: not released"
                        + " (log acknowledged through {} of {}, state {})", vmId, gate.held(),
                        log == null ? -1 : log.ackedSequence(), log == null ? -1 : log.nextSequence() - 1, state);
                return;
            }
            flush(); // the log's tail goes out even if the last horizon's flush found the connection busy
            gate.awaitDrained(5);
        }
    }

    /** Holds the VM while the backup falls behind or the gate is full (backpressure throttles, never buffers). */
    private void throttle() throws InterruptedException {
        while (state != State.FENCED && state != State.STOPPED && snapshotFor == null && switchover == null) {
            Link l = link;
            SenderLog log = shipping.sender();
            if (gate.full()) {
                gate.awaitRoom(5);
            } else if (log != null && log.backpressure()) {
                log.awaitAckedIcount(log.ackedIcount() + 1, 5);
            } else {
                return;
            }
            if (l != link) {
                continue; // the backup changed (lost or replaced): re-evaluate
            }
        }
    }

    /**
     * Starts a planned switchover to the in-sync backup (see {@link Switchover}): the VM pauses at its next slice
     * boundary, the backup takes over where it stands, and this role ends fenced. The future completes with what
     * happened once this role is fenced, or fails when the switchover cannot start or was abandoned (the VM then
     * runs on here, still protected unless the backup was lost meanwhile).
     */
    public CompletableFuture<Switchover.Result> switchOver(java.time.Duration timeout) {
        return switchOver(timeout, backup -> { });
    }

    /**
     * {@link #switchOver(java.time.Duration)}, calling {@code handedOver} with the backup's name (on the VM thread)
     * the moment the backup is told to take over: this host's clients can be sent there then, before the record
     * names it (if the switchover is abandoned after that, the future fails and the VM runs on here).
     */
    public synchronized CompletableFuture<Switchover.Result> switchOver(java.time.Duration timeout,
            java.util.function.Consumer<String> handedOver) {
        Link l = link;
        PrimaryConnection c = l == null ? null : l.connection;
        if (state != State.PROTECTED || l == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the primary of VM " + vmId + " is "
                    + state + ": only a PROTECTED VM can switch over"));
        }
        if (c == null || !c.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the connection to backup " + l.name
                    + " is down: no switchover now"));
        }
        if (switchover != null || snapshotFor != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("VM " + vmId
                    + " is busy (a switchover or a snapshot is under way)"));
        }
        Switchover so = new Switchover(l.name, l.log, () -> l.connection,
                () -> link == l && state == State.PROTECTED, this::flush, handedOver, clock::nanoTime,
                clock.nanoTime() + timeout.toNanos());
        switchover = so;
        driver.requestPause();
        return so.done;
    }

    /** VM thread, paused: runs the switchover; the VM runs on here if it is abandoned. */
    private void switchOverPaused(Switchover so) throws InterruptedException {
        try {
            Switchover.Result r = so.run(ended);
            if (state != State.FENCED) {
                so.done.completeExceptionally(new IllegalStateException("the primary of VM " + vmId + " was "
                        + state + " during the switchover"));
                return;
            }
            LOG.info("VM {}: switched over to {} at icount {} (paused {} ms, {} ms of it for the last ACK)", vmId,
                    r.backup(), r.icount(), r.pausedNanos() / 1_000_000, r.ackWaitNanos() / 1_000_000);
            so.done.complete(r);
        } catch (Switchover.AbandonedException e) {
            LOG.warn("VM {}: switchover abandoned, the VM runs on here: {}", vmId, e.getMessage());
            so.done.completeExceptionally(e);
        }
    }

    private void takeSnapshot(Link l) {
        CompletableFuture<OutgoingSnapshot> request;
        synchronized (this) {
            request = l.snapshotRequest;
            snapshotFor = null;
        }
        Path file = null;
        try {
            long t0 = clock.nanoTime();
            String id = vmId + "-e" + l.identity.epoch() + "-i" + machine.icount();
            file = JoinSnapshotFile.write(machine, history, settings.snapshotDir(), id);
            OutgoingSnapshot snap = OutgoingSnapshot.of(id, file, machine.icount(), l.log.nextSequence());
            synchronized (this) {
                // The backup may have been dropped or replaced while the file was written: attach only to it.
                if (link != l || state != State.SYNCING) {
                    throw new IOException("backup " + l.name + " is no longer attached");
                }
                shipping.attach(l.log, machine.icount());
                gate.hold();
                l.snapshot = snap;
            }
            lastSnapshotPauseNanos = clock.nanoTime() - t0;
            LOG.info("VM {}: snapshot {} for backup {} ({} bytes, VM paused {} ms)", vmId, id, l.address,
                    snap.size(), lastSnapshotPauseNanos / 1_000_000);
            request.complete(snap);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                l.snapshotRequest = null;
            }
            JoinSnapshotFile.deleteQuietly(file);
            request.completeExceptionally(e);
        }
    }

    /** Payload bytes of the log shipped to backups so far. */
    public long logBytesShipped() {
        return shipping.shippedBytes();
    }

    /** Log entries shipped to backups so far. */
    public long logEntriesShipped() {
        return shipping.shippedEntries();
    }

    /** The guest instruction count the current backup has acknowledged receiving up to (-1: no backup). */
    public long backupAckedIcount() {
        Link l = link;
        return l == null ? -1 : l.log.ackedIcount();
    }

    /** The metrics this role updates. */
    public VmMetrics metrics() {
        return metrics;
    }

    /** How long the VM was paused for the last snapshot, in nanoseconds (-1: none yet). */
    public long lastSnapshotPauseNanos() {
        return lastSnapshotPauseNanos;
    }

    // ---------------------------------------------------------------- the backup

    /**
     * A backup ({@code name}, its host) was assigned at {@code identity}'s epoch and listens at {@code address}:
     * connect, send it a snapshot, then the log. Output is held for it from the snapshot on.
     */
    public synchronized void attachBackup(InetSocketAddress address, String name, PeerIdentity identity) {
        if (state != State.UNPROTECTED) {
            throw new IllegalStateException("a backup can be attached only while unprotected, not " + state);
        }
        Link l = new Link(new SenderLog(settings.maxBytesInFlight(), 1), address, name, identity);
        l.log.setAckListener((seq, icount) -> onAck(l, seq, icount));
        l.log.setAckLatencyListener(metrics::ackLatency);
        link = l;
        transition(State.SYNCING, "backup assigned at " + address + " (epoch " + identity.epoch() + ")");
        l.disconnectedSince = clock.nanoTime();
        monitor.execute(() -> connect(l));
    }

    private void connect(Link l) {
        PrimaryConnection open = l.connection;
        if (link != l || open != null && open.isOpen()) {
            return;
        }
        l.lastAttempt = clock.nanoTime();
        try {
            PrimaryConnection c = new PrimaryConnection(l.address, l.identity, l.log, settings.connection(),
                    from -> snapshotFor(l));
            synchronized (this) {
                if (link == l && (state == State.SYNCING || state == State.PROTECTED)) {
                    l.connection = c;
                    return;
                }
            }
            c.close(); // dropped or fenced meanwhile
        } catch (RuntimeException e) {
            LOG.debug("VM {}: cannot reach backup {}: {}", vmId, l.address, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The backup needs a snapshot: reuse the one already taken for it, or pause the VM and take one. */
    private CompletionStage<OutgoingSnapshot> snapshotFor(Link l) {
        OutgoingSnapshot s = l.snapshot;
        if (s != null && l.log.holds(s.nextSequence())) {
            return CompletableFuture.completedFuture(s);
        }
        if (s != null) {
            return CompletableFuture.failedFuture(new IOException("the log after snapshot " + s.id()
                    + " is no longer held"));
        }
        synchronized (this) {
            if (link != l) {
                return CompletableFuture.failedFuture(new IOException("backup " + l.name + " is no longer attached"));
            }
            if (l.snapshotRequest == null) {
                l.snapshotRequest = new CompletableFuture<>();
                snapshotFor = l;
                driver.requestPause();
            }
            return l.snapshotRequest;
        }
    }

    private void onAck(Link l, long sequence, long icount) {
        if (link != l) {
            return;
        }
        shipping.onAck(sequence);
        gate.release(icount);
        for (Runnable r : inputAckListeners) {
            r.run();
        }
        if (state == State.SYNCING && l.snapshot != null && l.inSyncPending.compareAndSet(false, true)) {
            monitor.execute(() -> {
                l.inSyncPending.set(false);
                if (link == l && state == State.SYNCING) {
                    RoleAuthority.Verdict v = authority.backupInSync(l.name, l.identity.epoch());
                    if (v == RoleAuthority.Verdict.FENCED) {
                        fence("fenced when reporting the backup in sync");
                    } else if (v == RoleAuthority.Verdict.WON) {
                        transition(State.PROTECTED, "backup " + l.name + " at " + l.address + " in sync");
                        OutgoingSnapshot sent = l.snapshot;
                        if (sent != null) {
                            JoinSnapshotFile.deleteQuietly(sent.file()); // a reconnect now resumes the log, not the snapshot
                        }
                    } // RETRY: the next ACK asks again
                }
            });
        }
    }

    /** Monitor thread: reconnect a dropped backup; past the timeout, go unprotected (or halt when fenced). */
    private void watchBackup() {
        try {
            checkBackup();
        } catch (Exception e) { // never let the periodic task die
            LOG.error("VM {}: backup monitor failed: {}", vmId, e.toString(), e);
        } catch (Error e) {
            LOG.error("VM {}: backup monitor failed: {}", vmId, e.toString(), e);
            throw e;
        }
    }

    private void checkBackup() {
        Link l = link;
        if (l == null || (state != State.SYNCING && state != State.PROTECTED)) {
            return;
        }
        PrimaryConnection c = l.connection;
        long now = clock.nanoTime();
        if (c != null && c.isOpen()) {
            l.disconnectedSince = -1;
            return;
        }
        if (l.disconnectedSince < 0) {
            l.disconnectedSince = now;
            LOG.warn("VM {}: connection to backup {} lost: {}", vmId, l.address, c == null ? "never connected"
                    : c.closeReason());
        }
        if (c != null) {
            c.close();
            l.connection = null;
        }
        if (now - l.disconnectedSince > settings.backupLossTimeout().toNanos()
                && backupLost(l, "backup " + l.address + " silent for more than "
                        + settings.backupLossTimeout().toMillis() + " ms")) {
            return;
        }
        if (now - l.lastAttempt >= settings.reconnectInterval().toNanos()) {
            connect(l); // also while ZooKeeper cannot be reached: the backup may come back first
        }
    }

    /** Returns true when the loss is settled (went unprotected, or fenced); false to keep trying (RETRY). */
    private boolean backupLost(Link l, String reason) {
        RoleAuthority.Verdict v = authority.goUnprotected(l.identity.epoch(), reason);
        if (v == RoleAuthority.Verdict.FENCED) {
            fence("lost the race to go unprotected: " + reason);
            return true;
        }
        if (v == RoleAuthority.Verdict.RETRY) {
            return false; // output stays held; the monitor asks again
        }
        dropBackup(l, true);
        gate.passAll();
        for (Runnable r : inputAckListeners) {
            r.run();
        }
        transition(State.UNPROTECTED, reason);
        return true;
    }

    /** {@code durable}: the primary won the right to go on alone, so delivered input counts as acknowledged. */
    private void dropBackup(Link l, boolean durable) {
        synchronized (this) {
            if (link == l) {
                link = null;
            }
        }
        shipping.detach(durable);
        PrimaryConnection c = l.connection;
        if (c != null) {
            c.close();
        }
        OutgoingSnapshot sent = l.snapshot;
        if (sent != null) {
            JoinSnapshotFile.deleteQuietly(sent.file());
        }
    }

    /** The coordinator says another host holds this VM now: halt, and never release held output. */
    public void fence(String reason) {
        transition(State.FENCED, reason);
        ended.countDown();
        int dropped = gate.discard();
        network.close(); // a fenced primary's frames must never reach the network again
        driver.requestStop();
        Link l = link;
        if (l != null) {
            dropBackup(l, false);
        } else {
            shipping.detach(false);
        }
        monitor.shutdown(); // nothing more to watch; lets the role (and its machine) be collected
        if (dropped > 0) {
            LOG.warn("VM {}: fenced; {} bytes of held output discarded", vmId, dropped);
        }
    }

    // ---------------------------------------------------------------- console

    /** Input from clients (see {@link InputBuffer#offer}). */
    public long offerInput(long offset, byte[] bytes) {
        if (state == State.FENCED || state == State.STOPPED) {
            throw new IllegalStateException("VM " + vmId + " is " + state + " here");
        }
        return input.offer(offset, bytes);
    }

    public long inputAccepted() {
        return input.accepted();
    }

    public long inputAcked() {
        return shipping.inputAcked();
    }

    public void addInputAckListener(Runnable r) {
        inputAckListeners.add(r);
    }

    private void flush() {
        Link l = link;
        PrimaryConnection c = l == null ? null : l.connection;
        if (c != null) {
            c.flush();
        }
        if (shipping.sender() == null) {
            for (Runnable r : inputAckListeners) {
                r.run();
            }
        }
    }

    public Machine machine() {
        return machine;
    }

    public OutputGate gate() {
        return gate;
    }

    /** The last result of record mode (how the guest stopped, once STOPPED). */
    public RunResult lastResult() {
        return lastResult;
    }

    /** Waits up to {@code millis} for the VM thread to end (after a power-off, a stop or fencing). */
    public boolean awaitStopped(long millis) throws InterruptedException {
        vmThread.join(millis);
        return !vmThread.isAlive();
    }

    /**
     * Writes this VM's recording so far to {@code out}: a self-contained recording file (format 1.1) that
     * {@code ftvm replay} re-executes exactly, from the snapshot the recording starts with (the freshly booted
     * machine, or the snapshot a backup that became this primary joined from) through every entry written (complete
     * records only) to the last point record mode executed to. Safe on any thread while the VM runs, which it does
     * not slow beyond a lock held to read the tap's position; {@code out} is not closed.
     *
     * @return bytes written, the first and last icount the copy covers, and whether the tap stopped early (size
     *         bound, I/O error) with the reason
     * @throws RecordingUnavailableException when there is no recording (recording off, could not start, closed)
     * @throws IOException when the recording cannot be read or {@code out} cannot be written
     */
    public RecordingCopy copyRecording(OutputStream out) throws IOException, RecordingUnavailableException {
        return recording.copyTo(out);
    }

    /** The live recording's state, file, size and icount range. */
    public RecordingTap.Status recordingStatus() {
        return recording.status();
    }

    @Override
    public void close() throws InterruptedException {
        transition(State.STOPPED, "closed");
        ended.countDown();
        driver.requestStop();
        vmThread.join(5_000);
        network.close();
        recording.close();
        monitor.shutdownNow();
        Link l = link;
        if (l != null) {
            dropBackup(l, false);
        } else {
            shipping.detach(false);
        }
    }
}
