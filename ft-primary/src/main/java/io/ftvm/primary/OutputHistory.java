package io.ftvm.primary;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Console output released to clients, addressed by absolute byte offset (the guest's console offset, the same on
 * primary and backup), keeping the most recent {@code capacity} bytes so that clients that reconnect can resume.
 * Thread-safe; listeners are told when the end grows.
 */
public final class OutputHistory {
    private final byte[] ring;
    private final int mask;
    private long start;
    private long end;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Keeps the last {@code capacity} bytes (rounded up to a power of two), starting at offset {@code from}. */
    public OutputHistory(int capacity, long from) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("output history capacity out of range: " + capacity);
        }
        int size = 1;
        while (size < capacity) {
            size <<= 1;
        }
        this.ring = new byte[size];
        this.mask = ring.length - 1;
        this.start = from;
        this.end = from;
    }

    /** Appends the byte at {@code offset}, which must be the current end. */
    public void append(long offset, byte b) {
        synchronized (this) {
            if (offset != end) {
                throw new IllegalStateException("output offset " + offset + " does not continue at " + end);
            }
            ring[(int) (end & mask)] = b;
            end++;
            if (end - start > ring.length) {
                start = end - ring.length;
            }
        }
    }

    /** Tells listeners that output was appended (call after a batch of {@link #append}s). */
    public void published() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    public synchronized long start() {
        return start;
    }

    public synchronized long end() {
        return end;
    }

    /** Copies bytes from {@code from} (start ≤ from ≤ end); returns how many. */
    public synchronized int read(long from, byte[] buf, int off, int len) {
        if (from < start || from > end) {
            throw new IndexOutOfBoundsException("output offset " + from + " not held (held: " + start + ".." + end
                    + ")");
        }
        int n = (int) Math.min(len, end - from);
        for (int i = 0; i < n; i++) {
            buf[off + i] = ring[(int) ((from + i) & mask)];
        }
        return n;
    }

    public void addListener(Runnable r) {
        listeners.add(r);
    }

    public void removeListener(Runnable r) {
        listeners.remove(r);
    }
}
