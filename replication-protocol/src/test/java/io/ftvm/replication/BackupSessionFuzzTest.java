package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.Messages.Entry;
import io.ftvm.replication.Messages.FromPrimary;
import io.ftvm.replication.Messages.LogBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random message sequences against one backup session: whatever a message does wrong (out of order,
 * a gap, a regression, a second handshake, a snapshot phase out of place), it delivers nothing, and the log holds
 * exactly the valid prefix.
 */
class BackupSessionFuzzTest {
    private static final PeerIdentity.Pair PAIR = PeerIdentity.localPair("c", "vm", 4, "host-p", "host-b");
    private static final PeerIdentity ID = PAIR.backup();

    @Test
    void violationsNeverTouchTheDeliveredLog() throws Exception {
        Random r = new Random(99);
        int violations = 0;
        for (int round = 0; round < 3000; round++) {
            List<Entry> delivered = new ArrayList<>();
            ReceiverLog log = new ReceiverLog(ID, 0, delivered::add);
            BackupSession session = new BackupSession(log, null, () -> null);
            byte[] challenge = session.challenge().nonce();
            List<Entry> expected = new ArrayList<>();
            long next = 0;
            long icount = 0;
            for (int step = 0; step < 30; step++) {
                FromPrimary m;
                boolean valid;
                int pick = r.nextInt(10);
                boolean greeted = session.state() != BackupSession.State.AWAITING_HANDSHAKE;
                if (pick == 0 || !greeted && pick < 6) {
                    long epoch = 3 + r.nextInt(3);
                    boolean replayed = r.nextInt(5) == 0; // a proof over another challenge
                    m = PAIR.primary().withEpoch(epoch).handshake(Messages.Role.PRIMARY, 0,
                            replayed ? PairTrust.nonce() : challenge, PairTrust.nonce());
                    valid = !greeted && epoch == 4 && !replayed;
                } else if (pick == 1) {
                    m = new Messages.SnapshotChunk("s", 0, new byte[] {1}, 0);
                    valid = false;
                } else {
                    long first = r.nextInt(4) == 0 ? next + r.nextInt(5) - 2 : next;
                    List<Entry> entries = new ArrayList<>();
                    long ic = r.nextInt(6) == 0 ? Math.max(0, icount - 1 - r.nextInt(5)) : icount;
                    for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                        ic += r.nextInt(3);
                        entries.add(new Entry(ic, 1, new byte[] {(byte) k}));
                    }
                    m = new LogBatch(Math.max(0, first), entries);
                    valid = greeted && Math.max(0, first) == next && entries.get(0).icount() >= icount;
                    if (valid) {
                        expected.addAll(entries);
                        next += entries.size();
                        icount = entries.get(entries.size() - 1).icount();
                    }
                }
                try {
                    session.onMessage(m);
                    assertThat(valid).as("accepted %s", m).isTrue();
                } catch (ProtocolException e) {
                    assertThat(valid).as("refused %s: %s", m, e.getMessage()).isFalse();
                    violations++;
                    break; // the connection closes
                }
                assertThat(delivered).isEqualTo(expected);
            }
            assertThat(delivered).isEqualTo(expected);
            assertThat(log.nextSequence()).isEqualTo(expected.size());
        }
        assertThat(violations).isGreaterThan(1000);
    }
}
