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
 *
 * <p>Every wait is bounded: when the stream stops moving (no ACK progress for {@link #STALL_MILLIS}, or the connection
 * closed), the run fails with what it waited for and both ends' state, and the process exits with status 2.
 */
public final class StreamBenchmark {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("bench", "vm", 1, "ftvm-primary",
            "ftvm-backup");
    /** How long a wait may see no ACK progress before the run fails. */
    static final long STALL_MILLIS = 30_000;

    private StreamBenchmark() {
    }

    /** Runs over plain TCP, then (given a directory of test certificates) over mutual TLS with a "tls_" prefix. */
    public static void main(String[] args) throws Exception {
        try {
            runAll(args);
        } catch (StalledException e) {
            System.out.flush();
            System.err.println("bench/replication: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void runAll(String[] args) throws Exception {
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
        AtomicLong receivedIcount = new AtomicLong(-1);
        SenderLog sender = new SenderLog(64L << 20);
        try (BackupEndpoint backup = new BackupEndpoint(any, new ReceiverLog(ID.backup(), 0, e -> {
            received.incrementAndGet();
            receivedIcount.set(e.icount());
        }), backupSide, null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, primarySide,
                     null)) {
            Waiter w = new Waiter(prefix, sender, primary, backup, received, receivedIcount);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!primary.ready() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (!primary.ready()) {
                throw w.failure("the connection to become ready (10 s)");
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
                        w.whileBackpressure("backpressure to ease (throughput round " + round + ", entry " + i
                                + ")");
                    }
                }
                primary.flush();
                w.untilAcked(icount, "the ACK of the last entry of throughput round " + round);
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
                    throw w.failure("the ACK of round-trip entry " + i + " (5 s)");
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

    /** Bounded waits on one stream; a failure names what was awaited and both ends' state. */
    private record Waiter(String prefix, SenderLog sender, PrimaryConnection primary, BackupEndpoint backup,
            AtomicLong received, AtomicLong receivedIcount) {
        /** Waits while the sender is over its budget; fails when no ACK progress for STALL_MILLIS or closed. */
        void whileBackpressure(String what) throws InterruptedException {
            long lastAcked = sender.ackedSequence();
            long since = System.nanoTime();
            while (sender.backpressure()) {
                sender.awaitAckedIcount(sender.ackedIcount() + 1, 100);
                long acked = sender.ackedSequence();
                if (acked != lastAcked) {
                    lastAcked = acked;
                    since = System.nanoTime();
                } else if (!primary.isOpen() || System.nanoTime() - since > STALL_MILLIS * 1_000_000) {
                    throw failure(what);
                }
            }
        }

        /** Waits until {@code icount} is ACKed; fails when no ACK progress for STALL_MILLIS or closed. */
        void untilAcked(long icount, String what) throws InterruptedException {
            long lastAcked = sender.ackedSequence();
            long since = System.nanoTime();
            while (!sender.awaitAckedIcount(icount, 100)) {
                long acked = sender.ackedSequence();
                if (acked != lastAcked) {
                    lastAcked = acked;
                    since = System.nanoTime();
                } else if (!primary.isOpen() || System.nanoTime() - since > STALL_MILLIS * 1_000_000) {
                    throw failure(what);
                }
            }
        }

        StalledException failure(String what) {
            String why = primary.isOpen() ? "no ACK progress for " + STALL_MILLIS / 1000 + " s" : "connection closed";
            return new StalledException(String.format(Locale.ROOT, "%sstream stalled (%s) waiting for %s; "
                    + "sender: next sequence %d, acked sequence %d, acked icount %d, bytes retained %d, "
                    + "backpressure %b; receiver: %d entries received, last icount %d, connected %b; "
                    + "primary: state %s, open %b, close reason %s; backup: last close reason %s",
                    prefix.isEmpty() ? "plain " : prefix, why, what, sender.nextSequence(), sender.ackedSequence(),
                    sender.ackedIcount(), sender.bytesRetained(), sender.backpressure(), received.get(),
                    receivedIcount.get(), backup.connected(), primary.state(), primary.isOpen(),
                    primary.closeReason(), backup.lastCloseReason()));
        }
    }

    /** The stream stopped moving: the benchmark fails instead of hanging. */
    static final class StalledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }
}
