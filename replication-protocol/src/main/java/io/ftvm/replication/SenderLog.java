package io.ftvm.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The primary's side of the log stream, free of Netty: numbers appended entries, keeps every entry until the
 * backup ACKs it (so a reconnecting backup can resume from its last received sequence), and bounds the bytes kept:
 * when they exceed the limit, {@link #backpressure()} is true and the caller throttles the VM instead of buffering
 * without limit. The highest ACKed sequence and icount are observable (the Output Rule waits on them).
 *
 * <p>Thread-safe: the VM's thread appends, the network thread takes batches and applies ACKs.
 */
public final class SenderLog {
    private static final int SENT_RING = 256;
    /** Bytes an entry costs in the budget beyond its payload. */
    static final int ENTRY_OVERHEAD = 24;
    /** How long a waiter for an ACK spins before it blocks. */
    static final long SPIN_NANOS = 200_000;

    private final long maxBytesInFlight;
    /** Retained entries; index {@code head + k} holds sequence {@code firstRetained + k}. */
    private final ArrayList<Messages.Entry> retained = new ArrayList<>();
    private int head;
    private long firstRetained;
    private long nextSequence;
    private long nextToSend;
    private long bytesRetained;
    private long ackedSequence = -1;
    /** Written under the lock, read without it by waiters that spin briefly before blocking. */
    private volatile long ackedIcount = -1;
    /** Payload bytes appended since this log was created (for the log-bandwidth metric). */
    private long bytesAppended;
    /** Batches handed out and not yet acknowledged: last sequence and send time, a ring (no allocation). */
    private final long[] sentSeq = new long[SENT_RING];
    private final long[] sentAt = new long[SENT_RING];
    private int sentHead;
    private int sentCount;
    private LongSupplier nanoClock = System::nanoTime;
    private volatile LongConsumer ackLatencyNanos = ns -> { };

    /** Told (on the network thread, outside the log's lock) after every ACK. */
    @FunctionalInterface
    public interface AckListener {
        void acked(long sequence, long icount);
    }

    private volatile AckListener ackListener = (s, i) -> { };

    /** A log whose first entry is sequence 0: a backup can start from the beginning. */
    public SenderLog(long maxBytesInFlight) {
        this(maxBytesInFlight, 0);
    }

    /**
     * A log whose first entry gets sequence {@code firstSequence}. A backup asking for anything before it needs a
     * snapshot (use 1 for a log started mid-life, so that a fresh backup's "from the start" cannot be resumed).
     */
    public SenderLog(long maxBytesInFlight, long firstSequence) {
        if (maxBytesInFlight < 1) {
            throw new IllegalArgumentException("maxBytesInFlight must be positive: " + maxBytesInFlight);
        }
        if (firstSequence < 0) {
            throw new IllegalArgumentException("first sequence must not be negative: " + firstSequence);
        }
        this.maxBytesInFlight = maxBytesInFlight;
        this.firstRetained = firstSequence;
        this.nextSequence = firstSequence;
        this.nextToSend = firstSequence;
        this.ackedSequence = firstSequence - 1;
    }

    public void setAckListener(AckListener listener) {
        this.ackListener = listener;
    }

    /**
     * Told, for every batch whose last entry is acknowledged exactly, the time from handing the batch out to its
     * ACK (nanoseconds, on the ACK's thread): the ACK latency the Output Rule waits for.
     */
    public void setAckLatencyListener(LongConsumer listener) {
        this.ackLatencyNanos = listener;
    }

    /** The clock the ACK latency is measured with (tests). */
    public synchronized void setNanoClock(LongSupplier clock) {
        this.nanoClock = clock;
    }

    /** Payload bytes appended since this log was created. */
    public synchronized long bytesAppended() {
        return bytesAppended;
    }

    /** Appends an entry and returns its sequence number. */
    public synchronized long append(Messages.Entry e) {
        retained.add(e);
        bytesRetained += e.payloadLength() + ENTRY_OVERHEAD;
        bytesAppended += e.payloadLength();
        return nextSequence++;
    }

    /** True while more than the allowed bytes wait for an ACK: the VM should pause. */
    public synchronized boolean backpressure() {
        return bytesRetained > maxBytesInFlight;
    }

    /** Entries appended but not yet handed out for sending, as one batch of at most {@code max} entries. */
    public Optional<Messages.LogBatch> nextBatch(int max) {
        return nextBatch(max, Long.MAX_VALUE);
    }

    /**
     * Entries appended but not yet handed out for sending, as one batch of at most {@code max} entries and at most
     * {@code maxBytes} (payload plus {@link #ENTRY_OVERHEAD} each), but at least one entry.
     */
    public synchronized Optional<Messages.LogBatch> nextBatch(int max, long maxBytes) {
        long available = nextSequence - nextToSend;
        if (available == 0) {
            return Optional.empty();
        }
        int from = head + (int) (nextToSend - firstRetained);
        int n = (int) Math.min(available, max);
        if (maxBytes != Long.MAX_VALUE) {
            long bytes = retained.get(from).payloadLength() + ENTRY_OVERHEAD;
            int fit = 1;
            while (fit < n) {
                bytes += retained.get(from + fit).payloadLength() + ENTRY_OVERHEAD;
                if (bytes > maxBytes) {
                    break;
                }
                fit++;
            }
            n = fit;
        }
        List<Messages.Entry> entries = new ArrayList<>(retained.subList(from, from + n));
        Messages.LogBatch b = new Messages.LogBatch(nextToSend, entries);
        nextToSend += n;
        if (sentCount < SENT_RING) { // a full ring leaves this batch unmeasured (the oldest, slowest ones stay)
            int slot = (sentHead + sentCount) % SENT_RING;
            sentSeq[slot] = nextToSend - 1;
            sentAt[slot] = nanoClock.getAsLong();
            sentCount++;
        }
        return Optional.of(b);
    }

    /**
     * Applies an ACK: entries up to {@code ack.sequence()} are released.
     *
     * @throws ProtocolException if it acknowledges something never sent or goes backwards
     */
    public void onAck(Messages.Ack ack) throws ProtocolException {
        applyAck(ack);
        ackListener.acked(ack.sequence(), ack.icount());
    }

    private synchronized void applyAck(Messages.Ack ack) throws ProtocolException {
        if (ack.sequence() >= nextToSend) {
            throw new ProtocolException("ACK of sequence " + ack.sequence() + " which was never sent (next "
                    + nextToSend + ")");
        }
        if (ack.sequence() < ackedSequence) {
            throw new ProtocolException("ACK goes backwards: " + ack.sequence() + " after " + ackedSequence);
        }
        while (firstRetained <= ack.sequence()) {
            Messages.Entry e = retained.set(head++, null);
            bytesRetained -= e.payloadLength() + ENTRY_OVERHEAD;
            firstRetained++;
        }
        if (head > 1024 && head > retained.size() / 2) {
            retained.subList(0, head).clear(); // compact now and then: amortised O(1) per entry
            head = 0;
        }
        ackedSequence = ack.sequence();
        ackedIcount = ack.icount();
        long now = -1;
        while (sentCount > 0 && sentSeq[sentHead] <= ack.sequence()) {
            if (sentSeq[sentHead] == ack.sequence()) { // the ACK of this batch's last entry: one round trip
                now = now < 0 ? nanoClock.getAsLong() : now;
                ackLatencyNanos.accept(now - sentAt[sentHead]);
            }
            sentHead = (sentHead + 1) % SENT_RING;
            sentCount--;
        }
        notifyAll();
    }

    /**
     * A (re)connected backup asks to resume at {@code sequence}. Returns false when that is no longer retained:
     * the backup needs a snapshot.
     */
    public synchronized boolean resumeFrom(long sequence) {
        if (!holds(sequence)) {
            return false;
        }
        nextToSend = sequence;
        sentCount = 0; // batches sent on the old connection are not measured
        return true;
    }

    /** True when a backup could resume at {@code sequence}: it is retained, or the next to be appended. */
    public synchronized boolean holds(long sequence) {
        return sequence >= firstRetained && sequence <= nextSequence;
    }

    public synchronized long ackedSequence() {
        return ackedSequence;
    }

    public long ackedIcount() {
        return ackedIcount;
    }

    /**
     * Waits until an entry with icount at least {@code icount} is acknowledged, or the timeout passes. Spins for
     * up to {@link #SPIN_NANOS} first: an ACK on a fast link arrives sooner than a blocked thread wakes up.
     */
    public boolean awaitAckedIcount(long icount, long timeoutMillis) throws InterruptedException {
        long spinUntil = System.nanoTime() + Math.min(SPIN_NANOS, timeoutMillis * 1_000_000);
        while (ackedIcount < icount) {
            if (System.nanoTime() - spinUntil > 0) {
                return blockUntilAcked(icount, timeoutMillis);
            }
            Thread.yield(); // lets the network threads run on a machine with few cores
        }
        return true;
    }

    private synchronized boolean blockUntilAcked(long icount, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (ackedIcount < icount) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    public synchronized long bytesRetained() {
        return bytesRetained;
    }

    public synchronized long nextSequence() {
        return nextSequence;
    }
}
