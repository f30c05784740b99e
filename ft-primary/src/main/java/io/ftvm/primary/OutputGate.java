package io.ftvm.primary;

import io.ftvm.vmm.board.OutputSink;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The Output Rule. Console bytes the guest writes at instruction count {@code n} go to clients ({@link OutputHistory})
 * only once the backup has acknowledged log entries through an icount beyond {@code n}: then the backup can
 * reproduce them, so no client ever sees output that a new primary would not also produce. The VM keeps running
 * meanwhile. While unprotected (no backup) bytes pass straight through; when the primary is fenced, held bytes are
 * discarded, never released.
 *
 * <p>Network frames the guest sends follow the same rule: held with their icount, released to the
 * {@link GuestNetwork} in order once acknowledged (passed straight through while unprotected, dropped when fenced).
 *
 * <p>The machine's thread writes; a network thread releases. The first byte held when none is held calls
 * {@code onHeld} (record mode then ends its slice and publishes a horizon at once, so the backup can ACK it).
 * (Ending every slice that holds a byte was measured too: more horizons, no better latency.)
 */
public final class OutputGate implements OutputSink {
    /** Whether output waits for the backup. */
    public enum Mode {
        PASS, HOLD
    }

    private final OutputHistory history;
    private final Runnable onHeld;
    private final LongSupplier nanoClock;
    private final LongConsumer latencySample;
    /** Room kept for the bytes an instruction can still write after its slice was ended. */
    static final int SLACK = 64;
    private final int capacity;
    private final long[] icounts;
    private final long[] produced;
    private final byte[] bytes;
    private int head;
    private int count;
    private long firstOffset;
    private Mode mode = Mode.PASS;
    /** Most frame bytes held before {@link #full()} asks the VM to wait. */
    static final int FRAME_CAPACITY = 1 << 20;
    private final java.util.ArrayDeque<HeldFrame> frames = new java.util.ArrayDeque<>();
    private long frameBytes;
    private volatile GuestNetwork network = GuestNetwork.NONE;
    private long framesDropped;

    private record HeldFrame(long icount, long produced, byte[] frame) {
    }

    /**
     * @param capacity      most bytes held before {@link #full()} asks the VM to wait
     * @param onHeld        called on the machine's thread when a byte is held with none held before
     * @param latencySample receives, per released byte, nanoseconds it was held
     */
    public OutputGate(OutputHistory history, int capacity, Runnable onHeld, LongSupplier nanoClock,
            LongConsumer latencySample) {
        if (capacity < 2 * SLACK) {
            throw new IllegalArgumentException("output gate capacity must be positive: " + capacity);
        }
        this.history = history;
        this.onHeld = onHeld;
        this.nanoClock = nanoClock;
        this.latencySample = latencySample;
        this.capacity = capacity;
        this.icounts = new long[capacity];
        this.produced = new long[capacity];
        this.bytes = new byte[capacity];
    }

    @Override
    public void console(long icount, long offset, int b) {
        boolean first;
        synchronized (this) {
            if (mode == Mode.PASS && count == 0) {
                history.append(offset, (byte) b);
                first = false;
            } else {
                if (count == capacity) {
                    throw new IllegalStateException("output gate overflow: the VM ran while the gate was full");
                }
                if (count == 0) {
                    firstOffset = offset;
                }
                int i = (head + count) % capacity;
                icounts[i] = icount;
                produced[i] = nanoClock.getAsLong();
                bytes[i] = (byte) b;
                count++;
                first = count == 1 || full(); // nearly full: end the slice now, the throttle waits for room
            }
        }
        if (first) {
            onHeld.run();
        } else if (mode == Mode.PASS) {
            history.published();
        }
    }

    /** Where released frames go (set before the VM runs, or while it is paused). */
    public void network(GuestNetwork to) {
        this.network = to;
    }

    @Override
    public void frame(long icount, byte[] frame) {
        boolean first;
        synchronized (this) {
            if (mode == Mode.PASS && count == 0 && frames.isEmpty()) {
                network.send(frame);
                return;
            }
            if (frameBytes + frame.length > FRAME_CAPACITY + SLACK * 1518L) {
                framesDropped++; // cannot happen while the VM waits on full(); a guard, like a NIC's full ring
                return;
            }
            frames.addLast(new HeldFrame(icount, nanoClock.getAsLong(), frame));
            frameBytes += frame.length;
            first = count == 0 && frames.size() == 1 || full();
        }
        if (first) {
            onHeld.run();
        }
    }

    /** The backup acknowledged the log through an entry at {@code ackedIcount}: release what it covers. */
    public void release(long ackedIcount) {
        int released = 0;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            while (!frames.isEmpty() && frames.peekFirst().icount() < ackedIcount) {
                HeldFrame f = frames.pollFirst();
                frameBytes -= f.frame().length;
                latencySample.accept(now - f.produced());
                network.send(f.frame()); // in order, under the lock: a TAP write does not block
            }
            while (count > 0 && icounts[head] < ackedIcount) {
                history.append(firstOffset++, bytes[head]);
                latencySample.accept(now - produced[head]);
                head = (head + 1) % capacity;
                count--;
                released++;
            }
            notifyAll();
        }
        if (released > 0) {
            history.published();
        }
    }

    /** Holds output from now on (a backup is attached). */
    public synchronized void hold() {
        mode = Mode.HOLD;
    }

    /** No backup any more (the primary won the right to continue unprotected): release everything and pass. */
    public void passAll() {
        synchronized (this) {
            mode = Mode.PASS;
        }
        release(Long.MAX_VALUE);
    }

    /** The primary was fenced: held output must never reach a client. Returns how many bytes were dropped. */
    public synchronized int discard() {
        int dropped = count + frames.size();
        count = 0;
        frames.clear();
        frameBytes = 0;
        mode = Mode.HOLD;
        notifyAll();
        return dropped;
    }

    public synchronized Mode mode() {
        return mode;
    }

    /** Bytes and frames held now. */
    public synchronized int held() {
        return count + frames.size();
    }

    /** Frames dropped because the gate's frame room was exhausted (should stay 0: the VM waits first). */
    public synchronized long framesDropped() {
        return framesDropped;
    }

    /** True when the gate is nearly full: the VM must wait (its slice is ended at once, so little more comes). */
    public synchronized boolean full() {
        return count >= capacity - SLACK || frameBytes >= FRAME_CAPACITY;
    }

    /** Waits up to {@code millis} for every held byte and frame to be released (or dropped). */
    public synchronized void awaitDrained(long millis) throws InterruptedException {
        if (count > 0 || !frames.isEmpty()) {
            wait(Math.max(1, millis));
        }
    }

    /** Waits up to {@code millis} for held bytes to be released. */
    public synchronized void awaitRoom(long millis) throws InterruptedException {
        if (full()) {
            wait(Math.max(1, millis));
        }
    }
}
