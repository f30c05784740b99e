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
    private static final PeerIdentity.Pair PAIR = PeerIdentity.localPair("c1", "vm-1", 5, "ftvm-primary",
            "ftvm-backup");
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
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                MAX_FRAME);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
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
        ReceiverLog receiver = new ReceiverLog(PAIR.backup(), 0, delivered::add);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), receiver, MAX_FRAME)) {
            try (PrimaryConnection first = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
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
            try (PrimaryConnection second = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
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
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }),
                MAX_FRAME)) {
            try (PrimaryConnection first = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
                await(first::ready, "handshake");
                sender.append(entry(0));
                first.flush();
                assertThat(sender.awaitAckedIcount(0, 10_000)).as("acked %d, next %d, primary %s / backup %s",
                        sender.ackedSequence(), sender.nextSequence(), first.closeReason(), backup.lastCloseReason())
                        .isTrue();
            }
        }
        // A fresh backup (needs sequence 0, already released) connects.
        try (BackupEndpoint fresh = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }),
                MAX_FRAME);
             PrimaryConnection p = new PrimaryConnection(fresh.address(), PAIR.primary(), sender, MAX_FRAME)) {
            await(p::snapshotNeeded, "snapshot-needed verdict");
            await(() -> !p.isOpen(), "connection closed");
            assertThat(p.closeReason()).contains("snapshot needed");
        }
    }

    @Test
    void aPrimaryWithAStaleEpochIsRefused() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                MAX_FRAME);
             PrimaryConnection stale = new PrimaryConnection(backup.address(),
                     PAIR.primary().withEpoch(4), sender, MAX_FRAME)) {
            sender.append(entry(0));
            await(() -> !stale.isOpen(), "refusal");
            await(() -> backup.lastCloseReason() != null, "the backup's reason");
            assertThat(backup.lastCloseReason()).contains("stale");
            assertThat(backup.stats().handshakeRefusals()).isEqualTo(1);
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void aSilentPeerIsDisconnectedAfterTheTimeout() throws Exception {
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }),
                ConnectionSettings.defaults().withHeartbeat(java.time.Duration.ofMillis(50),
                        java.time.Duration.ofMillis(300)), null);
             java.net.Socket mute = new java.net.Socket(InetAddress.getLoopbackAddress(), backup.address().getPort())) {
            mute.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            java.io.InputStream in = mute.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // the backup's challenge (no heartbeats before a peer proved itself), until it gives up on us
            }
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertThat(waited).isBetween(250L, 9_000L);
            await(() -> backup.lastCloseReason() != null, "the reason");
            assertThat(backup.lastCloseReason()).containsAnyOf("silent", "no valid handshake");
        }
    }

    @Test
    void heartbeatsKeepAnIdleConnectionAlive() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }), MAX_FRAME);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
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
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                MAX_FRAME);
             PrimaryConnection first = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
            await(first::ready, "first handshake");
            sender.append(entry(1));
            first.flush();
            assertThat(sender.awaitAckedIcount(10, 10_000)).isTrue();
            PeerIdentity newer = PAIR.primary(); // the same primary reconnecting while its old connection lingers
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
            try (PrimaryConnection stale = new PrimaryConnection(backup.address(), PAIR.primary().withEpoch(4),
                    staleLog, MAX_FRAME)) {
                await(() -> !stale.isOpen(), "the stale primary refused");
                assertThat(stale.ready()).isFalse();
            }
            assertThat(backup.lastCloseReason()).contains("stale");
        }
    }

    @Test
    void strangersCannotHoldMoreThanAFewUnprovenConnections() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        List<java.net.Socket> strangers = new ArrayList<>();
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                ConnectionSettings.defaults().withHeartbeat(java.time.Duration.ofMillis(100),
                        java.time.Duration.ofSeconds(3)), null)) {
            // Ten silent connections from 127.0.0.2: four are held (until the peer timeout), six closed at once.
            java.net.InetAddress stranger = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 10; i++) {
                java.net.Socket sock = new java.net.Socket();
                sock.bind(new InetSocketAddress(stranger, 0));
                sock.connect(backup.address(), 2_000);
                sock.setSoTimeout(2_000);
                strangers.add(sock);
            }
            await(() -> backup.stats().unprovenOverLimit() == 10 - BackupEndpoint.MAX_UNPROVEN_PER_ADDRESS,
                    "the connections over the limit closed");
            assertThat(backup.unprovenConnections()).isEqualTo(BackupEndpoint.MAX_UNPROVEN_PER_ADDRESS);
            assertThat(backup.lastCloseReason()).contains("too many unauthenticated connections")
                    .contains("127.0.0.2");
            // The pair's primary (another address) is not affected, and once proven no longer counts.
            SenderLog sender = new SenderLog(1 << 20);
            try (PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender,
                    MAX_FRAME)) {
                await(primary::ready, "the real primary's handshake");
                sender.append(entry(1));
                primary.flush();
                assertThat(sender.awaitAckedIcount(entry(1).icount(), 10_000)).isTrue();
                assertThat(backup.unprovenConnections()).isEqualTo(BackupEndpoint.MAX_UNPROVEN_PER_ADDRESS);
                for (java.net.Socket sock : strangers) {
                    sock.close();
                }
                await(() -> backup.unprovenConnections() == 0, "closed strangers released");
                assertThat(delivered).containsExactly(entry(1));
            }
        } finally {
            for (java.net.Socket sock : strangers) {
                sock.close();
            }
        }
    }

    /** Reads one length-prefixed frame from a raw socket. */
    private static byte[] readFrame(java.io.DataInputStream in) throws java.io.IOException {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    @Test
    void aForgedPrimaryLearnsNothingIsRefusedAndCountedAndCannotRaiseTheEpoch() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        PeerIdentity.Pair strangers = PeerIdentity.localPair("c1", "vm-1", 5, "ftvm-primary", "ftvm-backup");
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                MAX_FRAME)) {
            int refusals = 0;
            // Each forgery: another key at the pair's epoch, far in the future, and a replay of a proof over another
            // challenge. The attacker also sends a log batch right behind its handshake.
            for (int attempt = 0; attempt < 3; attempt++) {
                try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(),
                        backup.address().getPort())) {
                    s.setSoTimeout(10_000);
                    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                    byte[] first = readFrame(in);
                    Messages.FromBackup hello = WireMapper.decodeFromBackup(first);
                    assertThat(hello).as("the only thing said before the peer proved itself")
                            .isInstanceOf(Messages.Challenge.class);
                    assertThat(new String(first, java.nio.charset.StandardCharsets.ISO_8859_1))
                            .doesNotContain("vm-1").doesNotContain("c1").doesNotContain("ftvm-backup");
                    byte[] challenge = ((Messages.Challenge) hello).nonce();
                    Messages.Handshake forged = switch (attempt) {
                        case 0 -> strangers.primary().handshake(Messages.Role.PRIMARY, 0, challenge,
                                PairTrust.nonce());
                        case 1 -> strangers.primary().withEpoch(1_000_005).handshake(Messages.Role.PRIMARY, 0,
                                challenge, PairTrust.nonce());
                        default -> PAIR.primary().handshake(Messages.Role.PRIMARY, 0, PairTrust.nonce(),
                                PairTrust.nonce());
                    };
                    java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
                    java.io.DataOutputStream out = new java.io.DataOutputStream(frames);
                    for (byte[] body : List.of(WireMapper.encodePrimary(forged), WireMapper.encodePrimary(
                            new Messages.LogBatch(0, List.of(entry(0)))))) {
                        out.writeInt(body.length);
                        out.write(body);
                    }
                    s.getOutputStream().write(frames.toByteArray()); // one write: the backup may close right after
                    int more = 0;
                    try {
                        while (in.read() >= 0) {
                            more++;
                        }
                    } catch (java.net.SocketException reset) {
                        // closed by the backup
                    }
                    assertThat(more).as("nothing but the close after a refused handshake").isZero();
                }
                int expected = ++refusals;
                await(() -> backup.stats().handshakeRefusals() == expected, "refusal " + expected + " counted");
            }
            assertThat(backup.lastCloseReason()).contains("does not verify");
            assertThat(delivered).isEmpty();
            // The pair's primary still connects at the pair's epoch: the future-epoch claim raised nothing.
            SenderLog sender = new SenderLog(1 << 20);
            try (PrimaryConnection real = new PrimaryConnection(backup.address(), PAIR.primary(), sender, MAX_FRAME)) {
                await(real::ready, "the pair's primary accepted");
                sender.append(entry(1));
                real.flush();
                assertThat(sender.awaitAckedIcount(10, 10_000)).isTrue();
            }
            assertThat(delivered).containsExactly(entry(1));
        }
    }

    @Test
    void aPrimaryRefusesABackupThatCannotProveItself() throws Exception {
        PeerIdentity.Pair strangers = PeerIdentity.localPair("c1", "vm-1", 5, "ftvm-primary", "ftvm-backup");
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint impostor = new BackupEndpoint(loopback(), new ReceiverLog(strangers.backup(), 0, e -> { }),
                MAX_FRAME);
             PrimaryConnection primary = new PrimaryConnection(impostor.address(), PAIR.primary(), sender,
                     MAX_FRAME)) {
            await(() -> !primary.isOpen(), "the connection closed");
            await(() -> impostor.lastCloseReason() != null || primary.closeReason() != null, "a reason");
            assertThat(primary.ready()).isFalse();
            // The impostor's endpoint refuses the real primary's proof (another key) before saying anything.
            assertThat(impostor.stats().handshakeRefusals()).isEqualTo(1);
        }
    }
}
