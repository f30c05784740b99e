package io.ftvm.primary;

import io.ftvm.vmm.replay.InputSource;

/**
 * Console input on its way into the VM: a bounded buffer fed by clients, drained by record mode. Input bytes are
 * numbered from 0 over the VM's life; {@link #offer} skips bytes already accepted (a client resending after a
 * failover) and refuses gaps, so every byte reaches the guest exactly once.
 */
public final class InputBuffer implements InputSource {
    private final byte[] ring;
    private int head;
    private int count;
    /** Offset one past the last byte accepted. */
    private long accepted;

    /** A buffer of {@code capacity} bytes whose next byte is stream offset {@code from}. */
    public InputBuffer(int capacity, long from) {
        if (capacity < 1) {
            throw new IllegalArgumentException("input buffer capacity must be positive: " + capacity);
        }
        this.ring = new byte[capacity];
        this.accepted = from;
    }

    /**
     * Offers bytes starting at stream offset {@code offset}; returns the offset one past the last byte accepted
     * (a prefix may be accepted when the buffer is full).
     *
     * @throws IllegalArgumentException for a gap (offset beyond what was accepted)
     */
    public synchronized long offer(long offset, byte[] data) {
        if (offset > accepted) {
            throw new IllegalArgumentException("input at offset " + offset + " leaves a gap: next expected "
                    + accepted);
        }
        int skip = (int) Math.min(data.length, accepted - offset);
        int n = Math.min(data.length - skip, ring.length - count);
        for (int i = 0; i < n; i++) {
            ring[(head + count + i) % ring.length] = data[skip + i];
        }
        count += n;
        accepted += n;
        if (n > 0) {
            notifyAll();
        }
        return accepted;
    }

    public synchronized long accepted() {
        return accepted;
    }

    @Override
    public synchronized int poll(byte[] out, int max) {
        int n = Math.min(max, count);
        for (int i = 0; i < n; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        head = (head + n) % ring.length;
        count -= n;
        return n;
    }

    @Override
    public synchronized boolean await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (count == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public boolean exhausted() {
        return false;
    }
}
