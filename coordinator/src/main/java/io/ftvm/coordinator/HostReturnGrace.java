package io.ftvm.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * How long the cluster manager waits for a host that left the cluster to come back before it drops the backups the
 * host holds. A host's registration goes with its ZooKeeper session, and a session expires for reasons that leave the
 * host and its backups running: an ensemble outage or leader election longer than the session timeout, a long pause
 * of the host's process. Such a host re-registers as soon as it reconnects; dropping its in-sync backups meanwhile
 * would throw away the VM's only other copy for nothing (and a crash of the primary in that window would lose the
 * VM). A backup whose host is really gone is dropped by its primary anyway, when the replication link goes silent.
 *
 * <p>The clock starts when this manager first sees the host absent (a manager that just took over does not know
 * since when a host has been gone, so it waits the full grace too). Not thread-safe: the manager's thread only.
 */
public final class HostReturnGrace {
    private final long graceNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Long> absentSince = new HashMap<>();

    public HostReturnGrace(Duration grace, LongSupplier nanoClock) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("host return grace must not be negative, was " + grace);
        }
        this.graceNanos = grace.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * The hosts among {@code named} (hosts the records name as backups) that are not in {@code live} and have been
     * absent for less than the grace. Forgets hosts that came back or are no longer named.
     */
    public Set<String> returning(Set<String> named, Set<String> live) {
        long now = nanoClock.getAsLong();
        absentSince.keySet().removeIf(h -> live.contains(h) || !named.contains(h));
        Set<String> out = new HashSet<>();
        for (String h : named) {
            if (live.contains(h)) {
                continue;
            }
            long since = absentSince.computeIfAbsent(h, k -> now);
            if (now - since < graceNanos) {
                out.add(h);
            }
        }
        return out;
    }

    /** Nanoseconds until the first grace running now ends (so the manager looks again then), or -1 if none runs. */
    public long nanosToNextExpiry() {
        long now = nanoClock.getAsLong();
        long next = -1;
        for (long since : absentSince.values()) {
            long left = since + graceNanos - now;
            if (left > 0 && (next < 0 || left < next)) {
                next = left;
            }
        }
        return next;
    }
}
