package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.replication.Messages.Ack;
import io.ftvm.replication.Messages.Entry;
import io.ftvm.replication.Messages.Handshake;
import io.ftvm.replication.Messages.LogBatch;
import io.ftvm.replication.Messages.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Netty-free halves of the stream: ordering, exactly-once delivery, ACKs, backpressure, resume, strictness. */
class SenderReceiverLogTest {
    private static final PeerIdentity.Pair PAIR = PeerIdentity.localPair("cluster", "vm-1", 5, "host-p", "host-b");
    private static final PeerIdentity ID = PAIR.backup();

    /** The pair's primary answering {@code challenge} as {@code end} (another epoch, cluster, host or key). */
    private static Handshake primaryHello(PeerIdentity end, byte[] challenge) {
        return end.handshake(Role.PRIMARY, 0, challenge, PairTrust.nonce());
    }

    private static Entry entry(long icount, int size) {
        return new Entry(icount, 1, new byte[size]);
    }

    @Test
    void batchesAreCutByBytesButCarryAtLeastOneEntry() {
        SenderLog s = new SenderLog(1 << 20);
        for (int i = 1; i <= 10; i++) {
            s.append(new Entry(i, 1, new byte[i == 4 ? 1000 : 76])); // 100 budget bytes each, entry 4: 1024
        }
        assertThat(s.nextBatch(100, 250).orElseThrow().entries()).hasSize(2); // 0, 1
        assertThat(s.nextBatch(100, 250).orElseThrow().entries()).hasSize(1); // 2 (3 would exceed)
        LogBatch big = s.nextBatch(100, 250).orElseThrow(); // 3 alone is over the limit: sent anyway
        assertThat(big.firstSequence()).isEqualTo(3);
        assertThat(big.entries()).hasSize(1);
        assertThat(s.nextBatch(3, Long.MAX_VALUE).orElseThrow().entries()).hasSize(3); // the entry limit still holds
        assertThat(s.nextBatch(100, 1_000_000).orElseThrow().firstSequence()).isEqualTo(7);
        assertThat(s.nextBatch(100, 1_000_000)).isEmpty();
    }

    @Test
    void entriesFlowInOrderExactlyOnceAndAcksReleaseThem() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        List<Entry> delivered = new ArrayList<>();
        ReceiverLog receiver = new ReceiverLog(ID, 0, delivered::add);
        Random r = new Random(1);
        List<Entry> sent = new ArrayList<>();
        long icount = 0;
        for (int i = 0; i < 1000; i++) {
            icount += r.nextInt(100);
            Entry e = new Entry(icount, r.nextInt(5), new byte[r.nextInt(40)]);
            sent.add(e);
            sender.append(e);
            if (r.nextInt(10) == 0) {
                Optional<LogBatch> b;
                while ((b = sender.nextBatch(1 + r.nextInt(50))).isPresent()) {
                    sender.onAck(receiver.onBatch(b.get()));
                }
            }
        }
        Optional<LogBatch> b;
        while ((b = sender.nextBatch(64)).isPresent()) {
            sender.onAck(receiver.onBatch(b.get()));
        }
        assertThat(delivered).isEqualTo(sent);
        assertThat(sender.ackedSequence()).isEqualTo(999);
        assertThat(sender.ackedIcount()).isEqualTo(icount);
        assertThat(sender.bytesRetained()).isZero();
    }

    @Test
    void unacknowledgedBytesSignalBackpressure() throws Exception {
        SenderLog sender = new SenderLog(1000);
        for (int i = 0; i < 10; i++) {
            sender.append(entry(i, 100));
        }
        assertThat(sender.backpressure()).isTrue();
        LogBatch b = sender.nextBatch(100).orElseThrow();
        assertThat(sender.backpressure()).as("sent but not acknowledged still counts").isTrue();
        sender.onAck(new Ack(b.firstSequence() + 9, 9));
        assertThat(sender.backpressure()).isFalse();
    }

    @Test
    void aReconnectingBackupResumesOrNeedsASnapshot() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        for (int i = 0; i < 10; i++) {
            sender.append(entry(i, 8));
        }
        sender.nextBatch(10);
        sender.onAck(new Ack(3, 3));
        assertThat(sender.resumeFrom(4)).isTrue();
        assertThat(sender.nextBatch(100).orElseThrow().firstSequence()).isEqualTo(4);
        assertThat(sender.resumeFrom(2)).as("released: needs a snapshot").isFalse();
        assertThat(sender.resumeFrom(11)).isFalse();
    }

    @Test
    void sequenceGapsRegressionsAndBadAcksAreViolations() throws Exception {
        List<Entry> delivered = new ArrayList<>();
        ReceiverLog receiver = new ReceiverLog(ID, 0, delivered::add);
        receiver.onBatch(new LogBatch(0, List.of(entry(1, 1), entry(2, 1))));
        assertThatThrownBy(() -> receiver.onBatch(new LogBatch(5, List.of(entry(3, 1)))))
                .hasMessageContaining("sequence gap");
        assertThatThrownBy(() -> receiver.onBatch(new LogBatch(1, List.of(entry(3, 1)))))
                .hasMessageContaining("sequence regression");
        assertThatThrownBy(() -> receiver.onBatch(new LogBatch(2, List.of(entry(0, 1)))))
                .hasMessageContaining("back in icount");
        assertThat(delivered).hasSize(2);

        SenderLog sender = new SenderLog(1 << 20);
        sender.append(entry(1, 1));
        assertThatThrownBy(() -> sender.onAck(new Ack(0, 1))).hasMessageContaining("never sent");
        sender.nextBatch(1);
        sender.onAck(new Ack(0, 1));
        assertThatThrownBy(() -> sender.onAck(new Ack(-1, 0))).hasMessageContaining("backwards");
    }

    @Test
    void handshakesAreCheckedAgainstThePairNeverBelieved() throws Exception {
        byte[] challenge = PairTrust.nonce();
        PeerIdentity p = PAIR.primary();
        PairTrust t = p.trust();
        PairKey otherKey = PairKey.random();
        Object[][] cases = {
            {new PeerIdentity(1, "cluster", "vm-1", 5, t), "protocol version 1"},
            {new PeerIdentity(2, "other", "vm-1", 5, t), "cluster 'other'"},
            {new PeerIdentity(2, "cluster", "vm-2", 5, t), "VM 'vm-2'"},
            {p.withEpoch(4), "stale"},
            {p.withEpoch(6), "ahead of this pair's epoch 5"},
            {p.withEpoch(1_000_005), "ahead of this pair's epoch 5"},
            {new PeerIdentity(2, "cluster", "vm-1", 5, new PairTrust("intruder", "host-b", t.key(), t.gate())),
                "claims to be host 'intruder'"},
            {new PeerIdentity(2, "cluster", "vm-1", 5, new PairTrust("host-p", "host-b", otherKey, t.gate())),
                "does not verify"},
        };
        for (Object[] c : cases) {
            ReceiverLog receiver = new ReceiverLog(ID, 0, e -> { });
            Handshake h = primaryHello((PeerIdentity) c[0], challenge);
            assertThatThrownBy(() -> receiver.checkHandshake(h, challenge, null))
                    .isInstanceOf(HandshakeRefusedException.class).hasMessageContaining((String) c[1]);
        }
        ReceiverLog receiver = new ReceiverLog(ID, 0, e -> { });
        Handshake asBackup = p.handshake(Role.BACKUP, 0, challenge, PairTrust.nonce());
        assertThatThrownBy(() -> receiver.checkHandshake(asBackup, challenge, null)).hasMessageContaining("role BACKUP");
        assertThatThrownBy(() -> receiver.checkHandshake(primaryHello(p, PairTrust.nonce()), challenge, null))
                .as("a proof over another challenge (a replayed handshake)").hasMessageContaining("does not verify");
        assertThatThrownBy(() -> receiver.checkHandshake(primaryHello(p, challenge), challenge, java.util.Set.of(
                "localhost", "host-x"))).as("TLS certificate of another host").hasMessageContaining("certificate");
        receiver.checkHandshake(primaryHello(p, challenge), challenge, java.util.Set.of("host-p"));
        receiver.checkHandshake(primaryHello(p, challenge), challenge, null);

        PeerIdentity gated = new PeerIdentity(2, "cluster", "vm-1", 5, new PairTrust("host-b", "host-p", t.key(),
                h -> {
                    throw new HandshakeRefusedException("the record names host-z primary");
                }));
        assertThatThrownBy(() -> new ReceiverLog(gated, 0, e -> { }).checkHandshake(primaryHello(p, challenge),
                challenge, null)).hasMessageContaining("host-z");

        BackupSession session = new BackupSession(receiver, null, () -> null);
        assertThatThrownBy(() -> session.onMessage(new LogBatch(0, List.of(entry(1, 1)))))
                .hasMessageContaining("handshake first");
        BackupSession refused = new BackupSession(receiver, null, () -> null);
        assertThatThrownBy(() -> refused.onMessage(primaryHello(p.withEpoch(6), refused.challenge().nonce())))
                .hasMessageContaining("ahead");
        BackupSession next = new BackupSession(receiver, null, () -> null);
        Messages.FromBackup reply = next.onMessage(primaryHello(p, next.challenge().nonce()));
        assertThat(reply).as("the backup answers an accepted primary with its signed handshake")
                .isInstanceOf(Handshake.class);
        assertThat(((Handshake) reply).host()).isEqualTo("host-b");
        assertThatThrownBy(() -> next.onMessage(primaryHello(p, next.challenge().nonce())))
                .hasMessageContaining("second handshake");
        assertThatThrownBy(() -> next.onMessage(new io.ftvm.replication.Messages.SnapshotOffer("s", 10, 0, 0)))
                .hasMessageContaining("without snapshot storage");
    }

    @Test
    void measuresEachBatchFromSendToItsAckAndCountsBytes() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        long[] now = {1_000};
        sender.setNanoClock(() -> now[0]);
        List<Long> latencies = new ArrayList<>();
        sender.setAckLatencyListener(latencies::add);
        for (int i = 0; i < 4; i++) {
            sender.append(entry(i, 10));
        }
        assertThat(sender.bytesAppended()).isEqualTo(40);
        LogBatch first = sender.nextBatch(2).orElseThrow();   // seq 0-1 at t=1000
        now[0] = 1_500;
        LogBatch second = sender.nextBatch(2).orElseThrow();  // seq 2-3 at t=1500
        now[0] = 2_000;
        sender.onAck(new Ack(1, 1));                          // first batch: 1000 ns
        now[0] = 2_100;
        sender.onAck(new Ack(2, 2));                          // mid-batch: not a whole round trip
        now[0] = 2_700;
        sender.onAck(new Ack(3, 3));                          // second batch: 1200 ns
        assertThat(latencies).containsExactly(1_000L, 1_200L);
        assertThat(first.firstSequence()).isZero();
        assertThat(second.firstSequence()).isEqualTo(2);
        // a resume re-sends: batches from the old connection are forgotten, the re-sent one is measured
        sender.append(entry(5, 7));
        sender.nextBatch(10).orElseThrow();                   // seq 4 at t=2700
        assertThat(sender.resumeFrom(4)).isTrue();
        now[0] = 3_000;
        sender.nextBatch(10).orElseThrow();                   // seq 4 again at t=3000
        now[0] = 3_050;
        sender.onAck(new Ack(4, 5));
        assertThat(latencies).containsExactly(1_000L, 1_200L, 50L);
        assertThat(sender.bytesAppended()).isEqualTo(47);
    }

    @Test
    void aHandOverMustNameExactlyTheEndOfTheLogReceived() throws Exception {
        List<Messages.HandOver> told = new ArrayList<>();
        ReceiverLog receiver = new ReceiverLog(ID, 0, e -> { });
        receiver.setHandOverListener(told::add);
        assertThatThrownBy(() -> receiver.onHandOver(new Messages.HandOver(0, 0)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("hand-over at sequence 0");
        receiver.onBatch(new LogBatch(0, List.of(entry(10, 1), entry(20, 1), entry(20, 0))));
        assertThatThrownBy(() -> receiver.onHandOver(new Messages.HandOver(1, 20))) // short of the end
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("the log received here ends at sequence 2 (icount 20)");
        assertThatThrownBy(() -> receiver.onHandOver(new Messages.HandOver(3, 30))) // past it
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> receiver.onHandOver(new Messages.HandOver(2, 21))) // another icount
                .isInstanceOf(ProtocolException.class);
        assertThat(told).isEmpty();
        receiver.onHandOver(new Messages.HandOver(2, 20));
        assertThat(told).containsExactly(new Messages.HandOver(2, 20));
    }
}
