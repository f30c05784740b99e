package io.ftvm.replication.console;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's input not yet acknowledged as durable, with its stream offsets: the bytes from {@link #base()} on, of
 * which those below {@code everSent} have been sent on some connection (and may have been accepted) and the rest not
 * yet. Bytes are placed at offsets when a server first says where the client's input continues (WELCOME's {@code
 * inputNext}); they stay at those offsets until acknowledged, so a resend after a reconnect carries the same offsets
 * and the server skips what it already has. Bounded: {@link #append} waits for room. Thread-safe.
 */
final class ClientInputBuffer {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] data;
    private int start;
    private int length;
    /** Stream offset of data[start], or -1 before the first WELCOME placed the bytes. */
    private long base = -1;
    /** Offset one past the last byte sent on any connection (never below base once placed). */
    private long everSent = -1;
    /** Offset one past the last byte sent on the current connection, or -1 when not connected. */
    private long sentOnConnection = -1;
    private long acked;
    private boolean closed;

    ClientInputBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("input buffer capacity " + capacity + " must be positive");
        }
        this.data = new byte[capacity];
    }

    /** Adds {@code bytes}, waiting up to {@code timeout} for room; false if there was none in time. */
    boolean append(byte[] bytes, Duration timeout) throws InterruptedException {
        if (bytes.length > data.length) {
            throw new IllegalArgumentException(bytes.length + " bytes exceed the input buffer of " + data.length);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (data.length - length < bytes.length) {
                if (closed) {
                    throw new IllegalStateException("console client closed");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            if (closed) {
                throw new IllegalStateException("console client closed");
            }
            if (start + length + bytes.length > data.length) {
                System.arraycopy(data, start, data, 0, length);
                start = 0;
            }
            System.arraycopy(bytes, 0, data, start + length, bytes.length);
            length += bytes.length;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** HELLO's {@code inputFrom}: the oldest byte sent but not acknowledged, or NO_INPUT when none was sent. */
    long helloInputFrom() {
        lock.lock();
        try {
            return base >= 0 && everSent > base ? base : ConsoleMessage.NO_INPUT;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A server welcomed a connection: this connection's input starts at {@code inputNext}. Sent bytes below it are
     * durable or accepted there: dropped. Bytes never sent are placed from {@code inputNext} on. Returns how many
     * acknowledged bytes the server lacks (its input ends below what this client saw acknowledged: lost input, to be
     * reported loudly); normally 0.
     */
    long onWelcome(long inputNext, long inputAcked) {
        lock.lock();
        try {
            acked = Math.max(acked, inputAcked);
            long missing = 0;
            if (base < 0) {
                base = inputNext;
                everSent = inputNext;
            } else if (inputNext < base) { // only possible when nothing was sent (else the server says INPUT_GAP)
                missing = base - inputNext;
                base = inputNext;
                everSent = inputNext;
            } else {
                trimTo(Math.min(inputNext, everSent));
                if (inputNext > base) { // only when nothing sent remains: the unsent bytes move up
                    base = inputNext;
                }
                everSent = Math.max(everSent, base);
            }
            sentOnConnection = inputNext;
            return missing;
        } finally {
            lock.unlock();
        }
    }

    /** The next INPUT for the current connection (at most {@code max} bytes), or null when all is sent. */
    ConsoleMessage.Input nextToSend(int max) {
        lock.lock();
        try {
            if (sentOnConnection < 0) {
                return null;
            }
            long end = base + length;
            if (sentOnConnection >= end) {
                return null;
            }
            int from = (int) (sentOnConnection - base);
            int n = (int) Math.min(max, end - sentOnConnection);
            byte[] bytes = Arrays.copyOfRange(data, start + from, start + from + n);
            ConsoleMessage.Input in = new ConsoleMessage.Input(sentOnConnection, bytes);
            sentOnConnection += n;
            everSent = Math.max(everSent, sentOnConnection);
            return in;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Input below {@code ackedOffset} is durable: bytes below it that this client sent (on this connection, which
     * must stay contiguous, or an earlier one) are dropped. Bytes never sent stay: an acknowledgement past them was
     * for another writer's input.
     */
    void onAck(long ackedOffset) {
        lock.lock();
        try {
            acked = Math.max(acked, ackedOffset);
            if (base >= 0) {
                long limit = Math.min(ackedOffset, everSent);
                if (sentOnConnection >= 0) {
                    limit = Math.min(limit, sentOnConnection); // this connection must stay contiguous
                }
                trimTo(limit);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The server refused this client's bytes from {@code offset} on (another writer filled those offsets first):
     * they, and everything not yet sent, are dropped. Returns how many bytes were dropped.
     */
    long onConflict(long offset) {
        lock.lock();
        try {
            if (base < 0) {
                return 0;
            }
            long keep = Math.max(0, Math.min(length, offset - base));
            long dropped = length - keep;
            length = (int) keep;
            everSent = base + length;
            changed.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended: nothing more is sent until the next WELCOME. */
    void disconnected() {
        lock.lock();
        try {
            sentOnConnection = -1;
        } finally {
            lock.unlock();
        }
    }

    private void trimTo(long offset) {
        if (offset <= base) {
            return;
        }
        int n = (int) Math.min(length, offset - base);
        start += n;
        length -= n;
        base += n;
        if (length == 0) {
            start = 0;
        }
        changed.signalAll();
    }

    /** Highest acknowledged input offset seen. */
    long acked() {
        lock.lock();
        try {
            return acked;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes held (sent and unacknowledged, or not yet sent). */
    int pending() {
        lock.lock();
        try {
            return length;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every byte held has been acknowledged; false on timeout. */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (length > 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return length == 0;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
