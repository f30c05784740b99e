package io.ftvm.replication.bench;

import io.ftvm.replication.BackupEndpoint;
import io.ftvm.replication.ConnectionSettings;
import io.ftvm.replication.Messages;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.replication.PrimaryConnection;
import io.ftvm.replication.ReceiverLog;
import io.ftvm.replication.SenderLog;
import io.ftvm.replication.TlsConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench/replication}: the log stream over loopback, printing {@code key: value} lines: throughput of
 * 256-byte entries, and ACK round-trip time of single small entries (append, flush, wait for the ACK).
 */
public final class StreamBenchmark {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("bench", "vm", 1, "ftvm-primary",
            "ftvm-backup");

    private StreamBenchmark() {
    }

    /** Runs over plain TCP, then (given a directory of test certificates) over mutual TLS with a "tls_" prefix. */
    public static void main(String[] args) throws Exception {
        ConnectionSettings plain = ConnectionSettings.defaults();
        run("", plain, plain);
        if (args.length > 0) {
            Path dir = Path.of(args[0]);
            run("tls_", plain.withTls(new TlsConfig(dir.resolve("primary.pem"), dir.resolve("primary.key"),
                    dir.resolve("ca.pem"))), plain.withTls(new TlsConfig(dir.resolve("backup.pem"),
                    dir.resolve("backup.key"), dir.resolve("ca.pem"))));
        }
    }

    private static void run(String prefix, ConnectionSettings primarySide, ConnectionSettings backupSide)
            throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        AtomicLong received = new AtomicLong();
        SenderLog sender = new SenderLog(64L << 20);
        try (BackupEndpoint backup = new BackupEndpoint(any, new ReceiverLog(ID.backup(), 0, e -> received.incrementAndGet()),
                backupSide, null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, primarySide, null)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!primary.ready() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (!primary.ready()) {
                throw new IllegalStateException("no connection: " + primary.closeReason());
            }
            long icount = 0;
            // Throughput: 256-byte entries, the VM thread throttled by backpressure.
            byte[] payload = new byte[256];
            double[] mbs = new double[7];
            double[] eps = new double[mbs.length];
            for (int round = -2; round < mbs.length; round++) {
                int n = 1_000_000;
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
                if (round >= 0) {
                    mbs[round] = n * (payload.length + 17.0) / secs / 1e6;
                    eps[round] = n / secs;
                }
            }
            Arrays.sort(mbs);
            Arrays.sort(eps);
            System.out.printf(Locale.ROOT, "%sthroughput_mb_s: %.1f%n", prefix, mbs[mbs.length / 2]);
            System.out.printf(Locale.ROOT, "%sentries_per_s: %.0f%n", prefix, eps[eps.length / 2]);
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
            System.out.printf(Locale.ROOT, "%sack_rtt_p50_us: %.1f%n", prefix, rtt[rtt.length / 2]);
            System.out.printf(Locale.ROOT, "%sack_rtt_p99_us: %.1f%n", prefix, rtt[(int) (rtt.length * 0.99)]);
        }
    }
}
