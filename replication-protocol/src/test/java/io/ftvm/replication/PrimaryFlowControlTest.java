package io.ftvm.replication;

import static io.ftvm.replication.TestSupport.await;
import static io.ftvm.replication.TestSupport.loopback;
import static io.ftvm.replication.TestSupport.tls;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.Messages.Entry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The primary hands the log to its channel in bounded steps, never the whole sender budget at once, and the rest
 * follows without another append or flush once the backup reads again (regression: the whole budget went into one
 * event-loop task, which with TLS encrypted tens of MiB before a byte left, starving heartbeats until the backup
 * dropped the connection as silent and the benchmark waited forever).
 */
class PrimaryFlowControlTest {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("c1", "vm-1", 3, "ftvm-primary",
            "ftvm-backup");
    /** The primary's write buffer high-water mark (PrimaryConnection's channel option). */
    private static final long HIGH_WATER_MARK = 4 << 20;

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aBackupThatStopsReadingHoldsTheRestInTheSenderLogAndItAllFollowsWhenItReadsAgain(boolean tls)
            throws Exception {
        // Long peer timeouts: the backup's event loop is blocked on purpose, its heartbeats stop too.
        ConnectionSettings primarySide = (tls ? tls("primary", "ca") : ConnectionSettings.defaults())
                .withHeartbeat(Duration.ofMillis(100), Duration.ofSeconds(120));
        ConnectionSettings backupSide = (tls ? tls("backup", "ca") : ConnectionSettings.defaults())
                .withHeartbeat(Duration.ofMillis(100), Duration.ofSeconds(120));
        CountDownLatch reading = new CountDownLatch(1);
        AtomicLong delivered = new AtomicLong();
        AtomicReference<String> orderError = new AtomicReference<>();
        int n = 120_000; // about 33 MB with overhead: eight times the write buffer's high-water mark
        SenderLog sender = new SenderLog(64L << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(ID.backup(), 0, e -> {
            long expected = delivered.get() + 1;
            if (e.icount() != expected && orderError.get() == null) {
                orderError.set("entry " + e.icount() + " delivered where " + expected + " was due");
            }
            delivered.incrementAndGet();
            try {
                if (!reading.await(60, TimeUnit.SECONDS)) { // the backup's event loop stops reading here
                    orderError.compareAndSet(null, "the test never let the backup read");
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }), backupSide, null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, primarySide, null)) {
            try {
                await(primary::ready, "handshake");
                byte[] payload = new byte[256];
                for (int i = 1; i <= n; i++) {
                    sender.append(new Entry(i, 1, payload));
                }
                primary.flush(); // the only flush: everything after this is driven by the connection
                await(() -> delivered.get() == 1, "the backup to take the first entry and stop");
                long maxPending = 0;
                for (int i = 0; i < 50; i++) { // socket buffers fill, the channel turns unwritable
                    maxPending = Math.max(maxPending, primary.pendingOutboundBytes());
                    Thread.sleep(10);
                }
                assertThat(maxPending).as("bytes queued in the primary's channel while the backup does not read")
                        .isLessThanOrEqualTo(HIGH_WATER_MARK + PrimaryConnection.MAX_SEND_BYTES + (64 << 10));
                assertThat(sender.ackedSequence()).isLessThan(n - 1);
            } finally {
                reading.countDown();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!sender.awaitAckedIcount(n, 100) && System.nanoTime() < deadline) {
                assertThat(primary.isOpen()).as("closed: %s", primary.closeReason()).isTrue();
            }
            assertThat(sender.ackedIcount()).as("acked %d of %d, delivered %d, primary %s, backup %s",
                    sender.ackedSequence() + 1, n, delivered.get(), primary.closeReason(), backup.lastCloseReason())
                    .isEqualTo(n);
            assertThat(delivered.get()).isEqualTo(n);
            assertThat(orderError.get()).isNull();
            assertThat(sender.bytesRetained()).isZero();
            assertThat(primary.isOpen()).isTrue();
        }
    }
}
