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

    @Override
    public synchronized void onOutput(long offset, byte[] data) {
        if (offset != next) {
            gaps.add("output at offset " + offset + " while expecting " + next);
        }
        bytes.write(data, 0, data.length);
        next += data.length;
    }

    synchronized long received() {
        return next;
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
