package io.ftvm.chaos.workload;

import io.ftvm.replication.console.Endpoint;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * When and from which endpoint a VM's clients last received output (the most recent arrivals), so that a nemesis
 * can measure a takeover as its clients see it: from the kill to the first output from another host.
 */
public final class OutputArrivals {
    private static final int KEPT = 4096;

    /** One chunk's arrival. */
    private record Arrival(long nanos, Endpoint from) {
    }

    private final Deque<Arrival> arrivals = new ArrayDeque<>();
    private final LongSupplier clock;

    public OutputArrivals(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized void arrived(Endpoint from) {
        arrivals.addLast(new Arrival(clock.getAsLong(), from));
        if (arrivals.size() > KEPT) {
            arrivals.removeFirst();
        }
        notifyAll();
    }

    /**
     * Waits (up to {@code timeout}) for output that arrived after {@code afterNanos} from an endpoint other than
     * {@code excluded}; its arrival time.
     */
    public synchronized OptionalLong awaitFromOther(long afterNanos, Endpoint excluded, Duration timeout)
            throws InterruptedException {
        long deadline = clock.getAsLong() + timeout.toNanos();
        while (true) {
            for (Arrival a : arrivals) {
                if (a.nanos() > afterNanos && a.from() != null && !Objects.equals(a.from(), excluded)) {
                    return OptionalLong.of(a.nanos());
                }
            }
            long left = deadline - clock.getAsLong();
            if (left <= 0) {
                return OptionalLong.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
