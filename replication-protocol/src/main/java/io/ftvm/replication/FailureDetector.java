package io.ftvm.replication;

import java.time.Duration;

/**
 * An accrual failure detector for one connection: learns how the peer's heartbeats arrive (mean and spread of the
 * last {@value #WINDOW} gaps, about ten seconds at a 10 ms interval) and suspects the peer when its silence is so long
 * that a live peer would produce it with a probability below about 10<sup>-9</sup>: silence longer than {@code mean + 6 sigma} (the phi accrual
 * detector's threshold phi = 9 under a normal approximation). A steady link is suspected soon after the floor; a
 * jittery one (a loaded host, a congested network) earns a longer threshold by itself, so that noise does not look
 * like death. The threshold never goes below the floor (a few heartbeats: one lost packet is never enough) nor above
 * the ceiling (a peer silent that long is gone, however noisy the link was).
 *
 * <p>Until {@value #WARM_UP} gaps have been seen, three times the floor applies (at most the ceiling): a crash right
 * after a backup joined is still found in a few hundred milliseconds, while the noise of a connection's first moments
 * (a cold JVM, a snapshot in flight) is not taken for death. The spread used is at least a quarter of the
 * heartbeat interval (a perfectly regular history would otherwise give a threshold of one interval). Gaps exclude
 * time this end was not running itself (see {@link Liveness#tick()}). Allocates nothing after construction; not
 * thread-safe (one connection's event loop).
 */
public final class FailureDetector {
    /** Gaps remembered. */
    static final int WINDOW = 1024;
    /** Gaps needed before the learned threshold applies. */
    static final int WARM_UP = 64;
    /** Standard deviations above the mean: phi 9 (the chance a live peer is this late is about 1e-9). */
    static final double SIGMAS = 6.0;

    private final long intervalNanos;
    private final long floorNanos;
    private final long ceilingNanos;
    private final long[] gaps = new long[WINDOW];
    private int count;
    private int next;
    private double sum;
    private double sumSquares;
    private long threshold;

    /**
     * @param interval the peer's heartbeat interval
     * @param floor    the shortest silence ever suspected; longer than {@code interval}
     * @param ceiling  the longest silence ever tolerated; at least {@code floor}
     */
    public FailureDetector(Duration interval, Duration floor, Duration ceiling) {
        if (interval.isNegative() || interval.isZero() || floor.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("heartbeat interval " + interval + " must be positive and shorter "
                    + "than the peer timeout " + floor);
        }
        if (ceiling.compareTo(floor) < 0) {
            throw new IllegalArgumentException("the longest peer timeout " + ceiling + " is shorter than the shortest "
                    + floor);
        }
        this.intervalNanos = interval.toNanos();
        this.floorNanos = floor.toNanos();
        this.ceilingNanos = ceiling.toNanos();
        this.threshold = warmUpThreshold();
    }

    /** A fixed timeout: floor and ceiling both {@code timeout}. */
    public static FailureDetector fixed(Duration interval, Duration timeout) {
        return new FailureDetector(interval, timeout, timeout);
    }

    /** A gap of {@code gapNanos} between two heartbeats of the peer (this end's own pauses taken out). */
    public void gap(long gapNanos) {
        if (gapNanos < 0) {
            return;
        }
        double g = gapNanos;
        if (count == WINDOW) {
            double old = gaps[next];
            sum -= old;
            sumSquares -= old * old;
        } else {
            count++;
        }
        gaps[next] = gapNanos;
        next = (next + 1) % WINDOW;
        sum += g;
        sumSquares += g * g;
        if (next == 0) {
            resum(); // once per window: no rounding drift from the running sums
        }
        threshold = compute();
    }

    /** Before the link is known: three times the floor (a new connection's first moments are its noisiest). */
    private long warmUpThreshold() {
        return Math.min(ceilingNanos, 3 * floorNanos);
    }

    private void resum() {
        sum = 0;
        sumSquares = 0;
        for (int i = 0; i < count; i++) {
            double g = gaps[i];
            sum += g;
            sumSquares += g * g;
        }
    }

    private long compute() {
        if (count < WARM_UP) {
            return warmUpThreshold();
        }
        double mean = sum / count;
        double variance = Math.max(0, sumSquares / count - mean * mean);
        double sigma = Math.max(Math.sqrt(variance), intervalNanos / 4.0);
        long t = (long) (mean + SIGMAS * sigma);
        return Math.max(floorNanos, Math.min(ceilingNanos, t));
    }

    /** The silence after which the peer is suspected now. */
    public long thresholdNanos() {
        return threshold;
    }

    /** Whether a silence of {@code silenceNanos} makes the peer suspect. */
    public boolean suspects(long silenceNanos) {
        return silenceNanos > threshold;
    }

    /** Gaps seen (at most {@link #WINDOW}). */
    public int samples() {
        return count;
    }
}
