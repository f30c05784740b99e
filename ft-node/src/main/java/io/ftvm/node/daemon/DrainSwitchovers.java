package io.ftvm.node.daemon;

import io.ftvm.primary.Switchover;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A drained host's switchovers of one VM's primary: each reconcile pass may ask for one; it starts unless one is
 * running or a failed one's back-off has not passed (2 s, then twice as long each time up to a minute: the VM stands
 * still during each attempt). The switchover itself runs on the VM's thread; this never blocks the caller.
 */
final class DrainSwitchovers {
    private static final Logger LOG = LoggerFactory.getLogger(DrainSwitchovers.class);
    static final long RETRY_NANOS = 2_000_000_000L;
    static final long RETRY_MAX_NANOS = 60_000_000_000L;

    private final String vmId;
    private final LongSupplier nanoClock;
    /** Written by the attempt's completion (the VM thread), read by the reconcile thread. */
    private volatile long nextAttempt;
    private volatile long backoffNanos = RETRY_NANOS;
    private CompletableFuture<Switchover.Result> running;

    DrainSwitchovers(String vmId, LongSupplier nanoClock) {
        this.vmId = vmId;
        this.nanoClock = nanoClock;
    }

    /** Starts {@code switchOver} unless an attempt runs or the back-off of a failed one has not passed. */
    void maybeStart(Supplier<CompletableFuture<Switchover.Result>> switchOver) {
        if (running != null && (!running.isDone() || nanoClock.getAsLong() - nextAttempt < 0)) {
            return;
        }
        LOG.info("VM {}: this host is drained: switching the primary over to the backup", vmId);
        running = switchOver.get();
        running.whenComplete((r, e) -> {
            if (e == null) {
                backoffNanos = RETRY_NANOS;
                return;
            }
            long wait = backoffNanos;
            backoffNanos = Math.min(RETRY_MAX_NANOS, wait * 2);
            nextAttempt = nanoClock.getAsLong() + wait;
            LOG.warn("VM {}: the drain's switchover failed (tried again in {} s): {}", vmId, wait / 1_000_000_000L,
                    e.getMessage());
        });
    }
}
