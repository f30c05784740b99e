package io.ftvm.replication;

import static io.ftvm.replication.TestSupport.await;
import static io.ftvm.replication.TestSupport.loopback;
import static io.ftvm.replication.TestSupport.tls;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.Messages.Entry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Soak: the log stream over mutual TLS under backpressure, with CPU hogs beside it, for {@code ftvm.soak.seconds}
 * (default 60, the CI size; {@code -Dftvm.soak.seconds=300} for the long run) and {@code ftvm.soak.hogs} busy threads
 * (default 1). Default heartbeats (100 ms, peer timeout 2 s) and the budget of the benchmark (64 MiB), so the
 * silence and stall detectors are live: the stream must never stall (the connection stays up, ACKs keep advancing),
 * and at the end everything sent is ACKed and was delivered in order exactly once, with its payload intact.
 */
class TlsSoakIT {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("soak", "vm-1", 1, "ftvm-primary",
            "ftvm-backup");
    /** A wait that sees no ACK progress for this long fails the test (the stall detector should act long before). */
    private static final long NO_PROGRESS_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Payload size of the entry with this icount: mostly small, now and then large (batches cut by bytes). */
    private static int size(long icount) {
        return icount % 997 == 0 ? 60_000 : 16 + (int) ((icount * 2_654_435_761L >>> 7) % 1_000);
    }

    private static byte[] payload(long icount) {
        byte[] p = new byte[size(icount)];
        ByteBuffer.wrap(p).putLong(icount).putLong(p.length - 8, ~icount);
        return p;
    }

    @Test
    void theTlsStreamUnderBackpressureNeverStallsAndDeliversEverythingOnceInOrder() throws Exception {
        long seconds = Long.getLong("ftvm.soak.seconds", 60);
        int hogCount = Integer.getInteger("ftvm.soak.hogs", 1);
        AtomicLong delivered = new AtomicLong();
        AtomicReference<String> deliveryError = new AtomicReference<>();
        SenderLog sender = new SenderLog(64L << 20);
        List<Thread> hogs = new ArrayList<>();
        AtomicLong stopHogs = new AtomicLong();
        for (int i = 0; i < hogCount; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (stopHogs.get() == 0) {
                    x += System.nanoTime() & 7; // busy: a CPU hog beside the stream
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "cpu-hog-" + i);
            t.setDaemon(true);
            t.start();
            hogs.add(t);
        }
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(ID.backup(), 0, e -> {
            long expected = delivered.get() + 1;
            if (deliveryError.get() == null) {
                ByteBuffer p = ByteBuffer.wrap(e.payload());
                if (e.icount() != expected) {
                    deliveryError.set("entry " + e.icount() + " delivered where " + expected + " was due");
                } else if (e.payload().length != size(expected) || p.getLong(0) != expected
                        || p.getLong(e.payload().length - 8) != ~expected) {
                    deliveryError.set("entry " + expected + " arrived with a wrong payload");
                }
            }
            delivered.incrementAndGet();
        }), tls("backup", "ca"), null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, tls("primary", "ca"),
                     null)) {
            await(primary::ready, "the TLS handshake");
            // Samples the longest time entries waited with no ACK advancing (reported; the stall detector acts at 2 s).
            AtomicLong longestWaitNanos = new AtomicLong();
            AtomicLong longestPauseNanos = new AtomicLong(); // the sampler itself not running: GC, starved JVM
            Thread sampler = new Thread(() -> {
                long lastAcked = -1;
                long since = System.nanoTime();
                long previous = since;
                while (!Thread.currentThread().isInterrupted()) {
                    long now = System.nanoTime();
                    longestPauseNanos.accumulateAndGet(now - previous - 20_000_000, Math::max);
                    previous = now;
                    long acked = sender.ackedSequence();
                    if (acked != lastAcked || acked >= sender.nextSequence() - 1) {
                        lastAcked = acked;
                        since = now;
                    }
                    longestWaitNanos.accumulateAndGet(now - since, Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }, "ack-sampler");
            sampler.setDaemon(true);
            sampler.start();

            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long icount = 0;
            long bytes = 0;
            long throttled = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    byte[] p = payload(++icount);
                    sender.append(new Entry(icount, 1, p));
                    bytes += p.length;
                }
                primary.flush();
                if (sender.backpressure()) {
                    throttled++;
                    long lastAcked = sender.ackedSequence();
                    long since = System.nanoTime();
                    while (sender.backpressure()) {
                        sender.awaitAckedIcount(sender.ackedIcount() + 1, 100);
                        assertThat(primary.isOpen()).as("connection closed under backpressure: primary %s, backup "
                                + "%s", primary.closeReason(), backup.lastCloseReason()).isTrue();
                        if (sender.ackedSequence() != lastAcked) {
                            lastAcked = sender.ackedSequence();
                            since = System.nanoTime();
                        }
                        assertThat(System.nanoTime() - since).as("no ACK progress under backpressure, acked %d of %d",
                                sender.ackedSequence(), sender.nextSequence() - 1)
                                .isLessThan(NO_PROGRESS_LIMIT_NANOS);
                    }
                }
            }
            primary.flush();
            long lastAcked = sender.ackedSequence();
            long since = System.nanoTime();
            while (!sender.awaitAckedIcount(icount, 100)) {
                assertThat(primary.isOpen()).as("connection closed at the end: primary %s, backup %s",
                        primary.closeReason(), backup.lastCloseReason()).isTrue();
                if (sender.ackedSequence() != lastAcked) {
                    lastAcked = sender.ackedSequence();
                    since = System.nanoTime();
                }
                assertThat(System.nanoTime() - since).as("no ACK progress at the end, acked %d of %d",
                        sender.ackedSequence(), icount - 1).isLessThan(NO_PROGRESS_LIMIT_NANOS);
            }
            sampler.interrupt();
            double secs = (System.nanoTime() - start) / 1e9;
            long total = icount;
            await(() -> delivered.get() >= total, "the last delivery"); // the ACK follows the delivery
            System.out.printf(Locale.ROOT, "TlsSoakIT: %d s, %d hog(s): %d entries, %.1f MB in %.1f s (%.1f MB/s), "
                    + "throttled %d times, longest wait for an ACK %d ms, longest pause of this JVM %d ms%n", seconds,
                    hogCount, total, bytes / 1e6, secs, bytes / 1e6 / secs, throttled,
                    longestWaitNanos.get() / 1_000_000, longestPauseNanos.get() / 1_000_000);

            assertThat(deliveryError.get()).isNull();
            assertThat(delivered.get()).isEqualTo(total);
            assertThat(sender.ackedSequence()).isEqualTo(total - 1);
            assertThat(sender.bytesRetained()).isZero();
            assertThat(primary.isOpen()).isTrue();
            assertThat(primary.closeReason()).isNull();
            assertThat(backup.lastCloseReason()).isNull();
            assertThat(primary.stats().stalledStreams()).isZero();
        } finally {
            stopHogs.set(1);
            for (Thread t : hogs) {
                t.join(5_000);
            }
        }
    }
}
