package io.ftvm.node.daemon;

import io.ftvm.replication.console.ConsoleClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A console client's output as the failover tests see it: bytes in arrival order, and every place where an output
 * message did not start exactly at the next offset (a gap or a duplicate).
 */
final class RecordedOutput implements ConsoleClient.OutputListener {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<String> gaps = new ArrayList<>();
    private long next;
    private long first = -1;
    /** When each message arrived ({@link System#nanoTime}). */
    private final List<Long> arrivals = new ArrayList<>();
    private final boolean fromFirst;

    RecordedOutput() {
        this(false);
    }

    /** @param fromFirst the output starts wherever the first message does (a client attached late) */
    RecordedOutput(boolean fromFirst) {
        this.fromFirst = fromFirst;
    }

    @Override
    public synchronized void onOutput(long offset, byte[] data) {
        if (first < 0) {
            first = offset;
            if (fromFirst) {
                next = offset;
            }
        }
        if (offset != next) {
            gaps.add("output at offset " + offset + " while expecting " + next);
        }
        bytes.write(data, 0, data.length);
        next += data.length;
        arrivals.add(System.nanoTime());
    }

    /**
     * The longest time without output in {@code [fromNanos, toNanos]} (what a client of a steadily talking VM sees
     * as a stall), counting from the last arrival before {@code fromNanos}.
     */
    synchronized long longestSilenceNanos(long fromNanos, long toNanos) {
        long longest = 0;
        long prev = -1;
        for (long t : arrivals) {
            if (t < fromNanos) {
                prev = t;
                continue;
            }
            if (t > toNanos) {
                break;
            }
            if (prev >= 0) {
                longest = Math.max(longest, t - prev);
            }
            prev = t;
        }
        return longest;
    }

    synchronized long received() {
        return next;
    }

    /** The offset of the first byte received (-1: none yet). */
    synchronized long first() {
        return first;
    }

    synchronized List<String> gaps() {
        return List.copyOf(gaps);
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits (up to {@code millis}) until at least {@code length} bytes arrived. */
    void awaitLength(long length, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (received() < length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
