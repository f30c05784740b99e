package io.ftvm.replication.bench;

import io.ftvm.replication.BackupEndpoint;
import io.ftvm.replication.Framing;
import io.ftvm.replication.Messages;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.replication.PrimaryConnection;
import io.ftvm.replication.ReceiverLog;
import io.ftvm.replication.SenderLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench/replication}: the log stream over loopback, printing {@code key: value} lines: throughput of
 * 256-byte entries, and ACK round-trip time of single small entries (append, flush, wait for the ACK).
 */
public final class StreamBenchmark {
    private static final PeerIdentity ID = new PeerIdentity(1, "bench", "vm", 1);

    private StreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        AtomicLong received = new AtomicLong();
        SenderLog sender = new SenderLog(64L << 20);
        try (BackupEndpoint backup = new BackupEndpoint(any, new ReceiverLog(ID, 0, e -> received.incrementAndGet()),
                Framing.DEFAULT_MAX_FRAME);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID, sender,
                     Framing.DEFAULT_MAX_FRAME)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!primary.ready() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long icount = 0;
            // Throughput: 256-byte entries, the VM thread throttled by backpressure.
            byte[] payload = new byte[256];
            for (int round = 0; round < 2; round++) {
                int n = 400_000;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sender.append(new Messages.Entry(++icount, 1, payload));
                    if ((i & 255) == 255) {
                        primary.flush();
                        while (sender.backpressure()) {
                            sender.awaitAckedIcount(sender.ackedIcount() + 1, 100);
                        }
                    }
                }
                primary.flush();
                if (!sender.awaitAckedIcount(icount, 30_000)) {
                    throw new IllegalStateException("throughput run did not complete");
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "throughput_mb_s: %.1f%n", n * (payload.length + 17.0) / secs / 1e6);
                    System.out.printf(Locale.ROOT, "entries_per_s: %.0f%n", n / secs);
                }
            }
            // ACK round trip of single small entries.
            byte[] small = new byte[16];
            double[] rtt = new double[20_000];
            for (int i = -2000; i < rtt.length; i++) {
                long t0 = System.nanoTime();
                sender.append(new Messages.Entry(++icount, 1, small));
                primary.flush();
                if (!sender.awaitAckedIcount(icount, 5_000)) {
                    throw new IllegalStateException("no ACK");
                }
                if (i >= 0) {
                    rtt[i] = (System.nanoTime() - t0) / 1e3;
                }
            }
            Arrays.sort(rtt);
            System.out.printf(Locale.ROOT, "ack_rtt_p50_us: %.1f%n", rtt[rtt.length / 2]);
            System.out.printf(Locale.ROOT, "ack_rtt_p99_us: %.1f%n", rtt[(int) (rtt.length * 0.99)]);
        }
    }
}
