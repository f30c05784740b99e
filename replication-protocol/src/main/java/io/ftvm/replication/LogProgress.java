package io.ftvm.replication;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether the log stream on one connection makes progress, free of Netty and driven by an injected clock. Heartbeats
 * prove that the peer is alive, not that the log moves: a backup can keep answering heartbeats while the entries it
 * was sent are never ACKed (a lost write, a reader that stopped), and the primary would then hold the guest's output
 * until the connection happened to break.
 *
 * <p><b>No progress</b> means: entries were handed to this connection and are not yet ACKed, and the highest ACKed
 * sequence has not advanced for longer than the timeout (the clock starts at the later of the last ACK that advanced
 * and the moment something became outstanding on an otherwise idle stream). A slow backup is not stalled: the backup
 * ACKs every batch on receipt, so while it reads at all its ACKs advance at least once per batch and restart the
 * clock; backpressure only makes the steps rarer. The stream is declared stalled only when not a single batch got
 * through within the timeout. An idle stream (nothing outstanding) is never stalled.
 *
 * <p>Confined to the connection's event loop.
 */
public final class LogProgress {
    private final long timeoutNanos;
    private final LongSupplier clock;
    private long highestSent;
    private long highestAcked;
    /** When the current wait for the backup began (see the class comment). */
    private long waitingSince;
    /** Extra time the next ACK may take (the backup installs a snapshot before it reads on). */
    private long allowanceNanos;

    public LogProgress(Duration timeout, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("progress timeout must be positive: " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.clock = nanoClock;
        start(0);
    }

    /** The stream (re)starts at {@code sequence} on this connection: nothing is outstanding. */
    public void start(long sequence) {
        highestSent = sequence - 1;
        highestAcked = sequence - 1;
        waitingSince = clock.getAsLong();
    }

    /** A batch ending at {@code lastSequence} was handed to the connection. */
    public void sent(long lastSequence) {
        if (!outstanding()) {
            waitingSince = clock.getAsLong(); // the wait begins now, not at the last ACK of an idle stream
        }
        highestSent = Math.max(highestSent, lastSequence);
    }

    /** The backup ACKed everything up to {@code sequence}. */
    public void acked(long sequence) {
        if (sequence > highestAcked) {
            highestAcked = sequence;
            waitingSince = clock.getAsLong();
            allowanceNanos = 0;
        }
    }

    /**
     * The next ACK may take {@code extra} longer than the timeout: the backup first checks and installs the snapshot
     * it was just sent (its disks included), which takes time in proportion to its size.
     */
    public void allowOnce(Duration extra) {
        allowanceNanos = Math.max(0, extra.toNanos());
    }

    /** This end was not running for {@code nanos} (see {@link Liveness#tick()}): that time does not count. */
    public void excludePause(long nanos) {
        if (nanos > 0) {
            waitingSince = Math.min(clock.getAsLong(), waitingSince + nanos);
        }
    }

    /** True while entries sent on this connection wait for their ACK. */
    public boolean outstanding() {
        return highestSent > highestAcked;
    }

    /** True when entries are outstanding and no ACK advanced for longer than the timeout. */
    public boolean stalled() {
        return outstanding() && waitedNanos() > timeoutNanos + allowanceNanos;
    }

    /** How long the current wait for an ACK has lasted (0 when nothing is outstanding). */
    public long waitedNanos() {
        return outstanding() ? clock.getAsLong() - waitingSince : 0;
    }

    /** Why the stream counts as stalled, for the close reason and the log. */
    public String describe() {
        return "log stalled: no ACK progress for " + waitedNanos() / 1_000_000 + " ms with entries "
                + (highestAcked + 1) + ".." + highestSent + " outstanding (last ACK " + highestAcked
                + "), although the peer is alive";
    }
}
