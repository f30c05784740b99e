package io.ftvm.replication.console;

import java.time.Duration;

/**
 * Reconnect delays: the first retry after a working connection is immediate (a failover should cost one round
 * trip), then {@code initial}, doubling up to {@code max}; {@link #reset()} after a successful handshake. Pure: the
 * caller schedules.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff " + initial + ".." + max + " must be positive and ordered");
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        int n = failures++;
        if (n == 0) {
            return Duration.ZERO;
        }
        long delay = initialNanos;
        for (int i = 1; i < n && delay < maxNanos; i++) {
            delay *= 2;
        }
        return Duration.ofNanos(Math.min(delay, maxNanos));
    }

    /** Attempts since the last reset. */
    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
