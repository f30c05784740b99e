package io.ftvm.chaos.cluster;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delay a relay adds to each chunk it forwards: {@code base} plus a uniform random part up to {@code jitter}.
 * Order is kept (a chunk never overtakes the one before it), as on a TCP path.
 */
public record Latency(Duration base, Duration jitter) {
    public static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO);

    public Latency {
        if (base.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency " + base + " +/- " + jitter + " is negative");
        }
    }

    /** One chunk's delay in nanoseconds. */
    long sampleNanos(RandomGenerator random) {
        long j = jitter.toNanos();
        return base.toNanos() + (j == 0 ? 0 : random.nextLong(j + 1));
    }

    boolean none() {
        return base.isZero() && jitter.isZero();
    }
}
