package io.ftvm.node.daemon;

import io.ftvm.replication.console.ConsoleClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The failover tests' typist: sends a random kvstore command every 15 ms through {@code client} on a thread of its
 * own and keeps every byte it sent (to replay in a reference run), until stopped.
 */
final class CommandFeeder {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final Thread thread;

    CommandFeeder(ConsoleClient client, long seed) {
        thread = new Thread(() -> {
            Random commands = new Random(seed);
            while (sending.get()) {
                byte[] line = (RepeatedFailoverIT.randomCommand(commands) + "\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    client.send(line);
                    synchronized (sent) {
                        sent.write(line, 0, line.length);
                    }
                    Thread.sleep(15);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "feeder");
    }

    void start() {
        thread.start();
    }

    /** Starts typing once the kvstore guest's greeting (14 bytes) reached {@code out}, or after 30 s. */
    void startOnceGreeted(RecordedOutput out) throws InterruptedException {
        long attached = System.nanoTime() + 30_000_000_000L;
        while (out.received() < 14 && System.nanoTime() < attached) {
            Thread.sleep(5);
        }
        start();
    }

    /** Stops typing and waits (up to 10 s) for the thread to end. */
    void stop() throws InterruptedException {
        sending.set(false);
        thread.join(10_000);
    }

    /** Everything sent so far. */
    byte[] sent() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }
}
