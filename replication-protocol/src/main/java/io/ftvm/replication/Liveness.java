package io.ftvm.replication;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Peer liveness for one connection, free of Netty and driven by an injected clock: when to send the next
 * heartbeat, whether the peer has been silent past what its {@link FailureDetector} tolerates (any message counts as
 * a sign of life; the gaps between heartbeats teach the detector the link's jitter), and the round-trip time measured
 * from heartbeat echoes.
 *
 * <p>Silence counts only while this end runs: the driver calls {@link #tick()} every {@link #checkPeriodNanos()}, and a
 * tick that comes much later than that means this end was not running (a GC pause, a busy event loop, a starved
 * process); the peer's messages may be sitting unread, so that gap is not counted as the peer's silence.
 */
public final class Liveness {
    private final long intervalNanos;
    private final FailureDetector detector;
    private long lastHeartbeat = -1;
    private long pausedSinceHeartbeat;
    private final LongSupplier clock;
    private long lastReceived;
    private long lastSent;
    private long peerSendTime;
    private long rttNanos = -1;
    private long lastTick;

    /** A fixed peer timeout. */
    public Liveness(Duration interval, Duration timeout, LongSupplier nanoClock) {
        this(interval, FailureDetector.fixed(interval, timeout), nanoClock);
    }

    /** Silence judged by {@code detector} (made for the same heartbeat interval). */
    public Liveness(Duration interval, FailureDetector detector, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.detector = detector;
        this.clock = nanoClock;
        long now = nanoClock.getAsLong();
        this.lastReceived = now;
        this.lastSent = now - intervalNanos;
        this.lastTick = now;
    }

    /** How often the driver should call {@link #tick()}. */
    public long checkPeriodNanos() {
        return Math.max(1, intervalNanos / 2);
    }

    /**
     * The driver's periodic check. Returns how long this end was not running since the previous tick (the delay beyond
     * one period when the tick came later than two periods; 0 otherwise); that time is taken off the peer's silence.
     */
    public long tick() {
        long now = clock.getAsLong();
        long gap = now - lastTick;
        lastTick = now;
        long period = checkPeriodNanos();
        if (gap <= 2 * period) {
            return 0;
        }
        long paused = gap - period;
        lastReceived = Math.min(now, lastReceived + paused);
        pausedSinceHeartbeat += paused;
        return paused;
    }

    /** Any message from the peer arrived. */
    public void messageReceived() {
        lastReceived = clock.getAsLong();
    }

    /** A heartbeat arrived: records the peer's send time (to echo) and, if it echoes ours, the round trip. */
    public void onHeartbeat(Messages.Heartbeat h) {
        long now = clock.getAsLong();
        lastReceived = now;
        if (lastHeartbeat >= 0) {
            detector.gap(now - lastHeartbeat - pausedSinceHeartbeat);
        }
        lastHeartbeat = now;
        pausedSinceHeartbeat = 0;
        peerSendTime = h.sendTimeNanos();
        if (h.echoTimeNanos() != 0 && h.echoTimeNanos() <= now) {
            rttNanos = now - h.echoTimeNanos();
        }
    }

    public boolean heartbeatDue() {
        return clock.getAsLong() - lastSent >= intervalNanos;
    }

    /** The heartbeat to send now (marks it sent). */
    public Messages.Heartbeat nextHeartbeat() {
        long now = clock.getAsLong();
        lastSent = now;
        return new Messages.Heartbeat(now, peerSendTime);
    }

    /** True when the peer has sent nothing for longer than its failure detector tolerates now. */
    public boolean peerSilent() {
        return detector.suspects(silenceNanos());
    }

    /** The silence tolerated now, in nanoseconds. */
    public long toleranceNanos() {
        return detector.thresholdNanos();
    }

    public long silenceNanos() {
        return clock.getAsLong() - lastReceived;
    }

    /** The last measured round trip in nanoseconds, or -1 before the first echo. */
    public long rttNanos() {
        return rttNanos;
    }
}
