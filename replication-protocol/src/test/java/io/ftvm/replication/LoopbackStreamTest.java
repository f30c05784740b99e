package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.Messages.Entry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The stream over real loopback sockets (port 0): ordering, ACKs, resume after reconnect, refusals. */
class LoopbackStreamTest {
    private static final PeerIdentity BACKUP_ID = new PeerIdentity(1, "c1", "vm-1", 5);
    private static final int MAX_FRAME = Framing.DEFAULT_MAX_FRAME;

    private static InetSocketAddress loopback() throws Exception {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static Entry entry(long i) {
        return new Entry(i * 10, (int) (i % 7), new byte[] {(byte) i, (byte) (i >> 8)});
    }

    @Test
    void entriesArriveInOrderAndAcksComeBack() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SenderLog sender = new SenderLog(64 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, delivered::add),
                MAX_FRAME);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), BACKUP_ID, sender, MAX_FRAME)) {
            await(primary::ready, "handshake");
            List<Entry> sent = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                Entry e = entry(i);
                sent.add(e);
                sender.append(e);
                if (i % 500 == 0) {
                    primary.flush();
                }
            }
            primary.flush();
            assertThat(sender.awaitAckedIcount(sent.get(sent.size() - 1).icount(), 10_000))
                    .as("acked %d/%d, delivered %d, primary %s / backup %s", sender.ackedSequence(), sent.size(),
                            delivered.size(), primary.closeReason(), backup.lastCloseReason()).isTrue();
            assertThat(new ArrayList<>(delivered)).isEqualTo(sent);
            assertThat(sender.bytesRetained()).isZero();
        }
    }

    @Test
    void aReconnectResumesWhereTheBackupStoppedExactlyOnce() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SenderLog sender = new SenderLog(64 << 20);
        ReceiverLog receiver = new ReceiverLog(BACKUP_ID, 0, delivered::add);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), receiver, MAX_FRAME)) {
            try (PrimaryConnection first = new PrimaryConnection(backup.address(), BACKUP_ID, sender, MAX_FRAME)) {
                await(first::ready, "handshake");
                for (int i = 0; i < 100; i++) {
                    sender.append(entry(i));
                }
                first.flush();
                await(() -> delivered.size() == 100, "first 100 entries");
            }
            for (int i = 100; i < 150; i++) {
                sender.append(entry(i));
            }
            try (PrimaryConnection second = new PrimaryConnection(backup.address(), BACKUP_ID, sender, MAX_FRAME)) {
                await(second::ready, "second handshake");
                second.flush();
                await(() -> delivered.size() == 150, "all 150 entries");
                assertThat(sender.awaitAckedIcount(entry(149).icount(), 10_000)).isTrue();
            }
        }
        for (int i = 0; i < 150; i++) {
            assertThat(delivered.get(i)).isEqualTo(entry(i));
        }
    }

    @Test
    void aBackupBehindTheRetainedLogIsToldToFetchASnapshot() throws Exception {
        SenderLog sender = new SenderLog(64 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, e -> { }),
                MAX_FRAME)) {
            try (PrimaryConnection first = new PrimaryConnection(backup.address(), BACKUP_ID, sender, MAX_FRAME)) {
                await(first::ready, "handshake");
                sender.append(entry(0));
                first.flush();
                assertThat(sender.awaitAckedIcount(0, 10_000)).as("acked %d, next %d, primary %s / backup %s",
                        sender.ackedSequence(), sender.nextSequence(), first.closeReason(), backup.lastCloseReason())
                        .isTrue();
            }
        }
        // A fresh backup (needs sequence 0, already released) connects.
        try (BackupEndpoint fresh = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, e -> { }),
                MAX_FRAME);
             PrimaryConnection p = new PrimaryConnection(fresh.address(), BACKUP_ID, sender, MAX_FRAME)) {
            await(p::snapshotNeeded, "snapshot-needed verdict");
            await(() -> !p.isOpen(), "connection closed");
            assertThat(p.closeReason()).contains("snapshot needed");
        }
    }

    @Test
    void aPrimaryWithAStaleEpochIsRefused() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, delivered::add),
                MAX_FRAME);
             PrimaryConnection stale = new PrimaryConnection(backup.address(),
                     new PeerIdentity(1, "c1", "vm-1", 4), sender, MAX_FRAME)) {
            sender.append(entry(0));
            await(() -> !stale.isOpen(), "refusal");
            await(() -> backup.lastCloseReason() != null, "the backup's reason");
            assertThat(backup.lastCloseReason()).contains("stale");
            assertThat(backup.stats().malformedMessages()).isEqualTo(1);
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void aSilentPeerIsDisconnectedAfterTheTimeout() throws Exception {
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, e -> { }),
                ConnectionSettings.defaults().withHeartbeat(java.time.Duration.ofMillis(50),
                        java.time.Duration.ofMillis(300)), null);
             java.net.Socket mute = new java.net.Socket(InetAddress.getLoopbackAddress(), backup.address().getPort())) {
            mute.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            java.io.InputStream in = mute.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // handshake and heartbeats from the backup, until it gives up on us
            }
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertThat(waited).isBetween(250L, 9_000L);
            await(() -> backup.lastCloseReason() != null, "the reason");
            assertThat(backup.lastCloseReason()).contains("silent");
        }
    }

    @Test
    void heartbeatsKeepAnIdleConnectionAlive() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, e -> { }), MAX_FRAME);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), BACKUP_ID, sender, MAX_FRAME)) {
            await(primary::ready, "handshake");
            Thread.sleep(BackupEndpoint.PEER_TIMEOUT.toMillis() + 500); // longer than the timeout, nothing to send
            assertThat(primary.isOpen()).isTrue();
            sender.append(entry(1));
            primary.flush();
            assertThat(sender.awaitAckedIcount(10, 10_000)).isTrue();
        }
    }

    @Test
    void aNewerConnectionSupersedesTheOldOneAndAStaleEpochCannotTakeOver() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(BACKUP_ID, 0, delivered::add),
                MAX_FRAME);
             PrimaryConnection first = new PrimaryConnection(backup.address(), BACKUP_ID, sender, MAX_FRAME)) {
            await(first::ready, "first handshake");
            sender.append(entry(1));
            first.flush();
            assertThat(sender.awaitAckedIcount(10, 10_000)).isTrue();
            PeerIdentity newer = BACKUP_ID; // the same primary reconnecting while its old connection lingers
            SenderLog newerLog = new SenderLog(1 << 20);
            newerLog.append(entry(1));
            newerLog.append(entry(2));
            try (PrimaryConnection second = new PrimaryConnection(backup.address(), newer, newerLog, MAX_FRAME)) {
                await(second::ready, "second handshake");
                await(() -> !first.isOpen(), "the old connection closed");
                assertThat(backup.lastCloseReason()).contains("superseded");
                second.flush();
                assertThat(newerLog.awaitAckedIcount(20, 10_000)).isTrue();
            }
            assertThat(delivered).containsExactly(entry(1), entry(2));
            SenderLog staleLog = new SenderLog(1 << 20);
            try (PrimaryConnection stale = new PrimaryConnection(backup.address(), new PeerIdentity(1, "c1", "vm-1", 4),
                    staleLog, MAX_FRAME)) {
                await(() -> !stale.isOpen(), "the stale primary refused");
                assertThat(stale.ready()).isFalse();
            }
            assertThat(backup.lastCloseReason()).contains("stale");
        }
    }
}
