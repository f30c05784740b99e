package io.ftvm.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Hosts whose primary role just ended in a takeover, kept out of backup placement for a while. A backup takes over
 * because its primary's host stopped answering; that host's registration lives on until its ZooKeeper session
 * expires (seconds), and a backup placed there in the meantime never starts: the VM would stay unprotected, SYNCING
 * to nowhere, until the primary gives up on it. So the cluster manager watches the records it plans from: when a
 * VM's backup becomes its primary, the former primary's host is avoided for {@code window} (one session timeout:
 * a dead host's registration is gone by then, since the takeover came after the crash; a live one, after a false
 * suspicion or a freeze it recovered from, is used again soon). A host whose backup gave its role up after failing
 * there ({@link Transitions#isBackupFailure}: it could not start, say on a read-only data directory) is avoided for
 * {@link #FAILED_BACKUP_WINDOW_NANOS}, so that another host is tried rather than the same one again and again.
 *
 * <p>Not thread-safe: the manager's thread only.
 */
public final class TakeoverVictims {
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, VmState> lastSeen = new HashMap<>();
    private final Map<String, Long> avoidedSince = new HashMap<>();
    /** Hosts whose backup failed, and until when they are avoided. */
    private final Map<String, Long> failedUntil = new HashMap<>();
    /** How long a host whose backup failed gets no backup. */
    public static final long FAILED_BACKUP_WINDOW_NANOS = 60_000_000_000L;

    public TakeoverVictims(Duration window, LongSupplier nanoClock) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("takeover avoidance window must not be negative, was " + window);
        }
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The VM's record as the manager sees it now: notes a takeover since the last look. */
    public void observe(String vmId, VmState now) {
        VmState before = lastSeen.put(vmId, now);
        if (before == null || now.epoch() <= before.epoch() || before.primary() == null || before.backup() == null) {
            return;
        }
        if (Transitions.isBackupFailure(now) && before.primary().equals(now.primary())) {
            failedUntil.put(before.backup(), nanoClock.getAsLong() + FAILED_BACKUP_WINDOW_NANOS);
            return;
        }
        if (before.backup().equals(now.primary()) && !before.primary().equals(now.primary())
                && !Transitions.isSwitchover(now)) { // a switched-over primary's host is alive and well
            avoidedSince.put(before.primary(), nanoClock.getAsLong());
        }
    }

    /** Forgets VMs no longer in the catalog. */
    public void retain(Set<String> vmIds) {
        lastSeen.keySet().retainAll(vmIds);
    }

    /** Hosts not to place backups on now. */
    public Set<String> avoided() {
        long now = nanoClock.getAsLong();
        avoidedSince.values().removeIf(since -> now - since >= windowNanos);
        failedUntil.values().removeIf(until -> now - until >= 0);
        TreeSet<String> hosts = new TreeSet<>(avoidedSince.keySet());
        hosts.addAll(failedUntil.keySet());
        return hosts;
    }

    /** Nanoseconds until the first avoidance ends, or -1 if none runs. */
    public long nanosToNextExpiry() {
        long now = nanoClock.getAsLong();
        long next = -1;
        for (long since : avoidedSince.values()) {
            long left = since + windowNanos - now;
            if (left > 0 && (next < 0 || left < next)) {
                next = left;
            }
        }
        for (long until : failedUntil.values()) {
            long left = until - now;
            if (left > 0 && (next < 0 || left < next)) {
                next = left;
            }
        }
        return next;
    }
}
