package io.ftvm.vmm.replay;

import java.io.IOException;
import java.io.InputStream;

/** An {@link InputSource} fed by other threads (a stdin reader, a client connection, a test). */
public final class QueueInputSource implements InputSource {
    private byte[] buf = new byte[256];
    private int head;
    private int count;
    private boolean ended;

    /** Queues bytes for the guest. */
    public synchronized void feed(byte[] bytes, int off, int len) {
        while (count + len > buf.length) {
            byte[] bigger = new byte[buf.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = buf[(head + i) % buf.length];
            }
            buf = bigger;
            head = 0;
        }
        for (int i = 0; i < len; i++) {
            buf[(head + count + i) % buf.length] = bytes[off + i];
        }
        count += len;
        notifyAll();
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /** No more input will come. */
    public synchronized void end() {
        ended = true;
        notifyAll();
    }

    @Override
    public synchronized int poll(byte[] out, int max) {
        int n = Math.min(max, count);
        for (int i = 0; i < n; i++) {
            out[i] = buf[(head + i) % buf.length];
        }
        head = (head + n) % buf.length;
        count -= n;
        return n;
    }

    @Override
    public synchronized boolean await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (count == 0 && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return count > 0;
    }

    @Override
    public synchronized boolean exhausted() {
        return ended && count == 0;
    }

    /** Starts a daemon thread copying {@code in} into this source until end of stream. */
    public QueueInputSource pumpFrom(InputStream in, String name) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[1024];
            try {
                int n;
                while ((n = in.read(b)) > 0) {
                    feed(b, 0, n);
                }
            } catch (IOException e) {
                // the stream is gone: treat as end of input
            } finally {
                end();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return this;
    }
}
