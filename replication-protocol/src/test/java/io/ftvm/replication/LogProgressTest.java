package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What counts as a stalled log stream, on a test clock (no sleeping). */
class LogProgressTest {
    private static final long MS = 1_000_000;
    private long now = 5_000 * MS;
    private final LogProgress p = new LogProgress(Duration.ofMillis(500), () -> now);

    @Test
    void anIdleStreamNeverStalls() {
        p.start(10);
        now += 60_000 * MS;
        assertThat(p.outstanding()).isFalse();
        assertThat(p.stalled()).isFalse();
        p.sent(19);
        p.acked(19);
        now += 60_000 * MS;
        assertThat(p.stalled()).isFalse();
    }

    @Test
    void entriesOutstandingWithoutAnyAckForLongerThanTheTimeoutAreAStall() {
        p.start(0);
        p.sent(99);
        now += 500 * MS;
        assertThat(p.stalled()).isFalse();
        now += 1;
        assertThat(p.stalled()).isTrue();
        assertThat(p.describe()).startsWith("log stalled: no ACK progress for 500 ms with entries 0..99 outstanding");
    }

    @Test
    void theFirstAckAfterASnapshotMayTakeTheInstallAllowanceOnce() {
        p.start(0);
        p.allowOnce(java.time.Duration.ofMillis(2_000));
        p.sent(9);
        now += 2_400 * MS;
        assertThat(p.stalled()).as("within timeout + allowance").isFalse();
        now += 101 * MS;
        assertThat(p.stalled()).isTrue();
        p.acked(9); // the allowance is spent with the first ACK that advances
        p.sent(19);
        now += 501 * MS;
        assertThat(p.stalled()).isTrue();
    }

    @Test
    void aSlowBackupWhoseAcksKeepAdvancingIsNotStalled() {
        p.start(0);
        p.sent(999); // far more outstanding than the backup takes per step: it is behind, under backpressure
        for (long acked = 9; acked < 999; acked += 10) {
            now += 450 * MS; // each step a little under the timeout: slow, but moving
            p.acked(acked);
            p.sent(acked + 1000);
            assertThat(p.stalled()).as("after ACK %d", acked).isFalse();
        }
        now += 501 * MS;
        assertThat(p.stalled()).as("no step for longer than the timeout").isTrue();
    }

    @Test
    void theWaitStartsWhenSomethingBecomesOutstandingNotAtTheLastAckOfAnIdleStream() {
        p.start(0);
        p.sent(4);
        p.acked(4);
        now += 10_000 * MS; // idle for a long time
        p.sent(9);
        now += 400 * MS;
        assertThat(p.stalled()).isFalse();
        p.sent(14); // more while waiting does not restart the clock
        now += 101 * MS;
        assertThat(p.stalled()).isTrue();
    }

    @Test
    void anAckThatDoesNotAdvanceIsNoProgress() {
        p.start(0);
        p.sent(9);
        now += 300 * MS;
        p.acked(4); // progress: the wait restarts
        now += 300 * MS;
        p.acked(4); // repeated or older ACKs are not progress
        p.acked(3);
        now += 200 * MS;
        assertThat(p.stalled()).isFalse();
        now += 1 * MS;
        assertThat(p.stalled()).isTrue();
        assertThat(p.describe()).contains("entries 5..9 outstanding (last ACK 4)");
    }

    @Test
    void aResumeStartsAfreshAtTheResumePoint() {
        p.start(0);
        p.sent(99);
        now += 400 * MS;
        p.start(50); // a new connection: the backup had 0..49; nothing is outstanding on it yet
        assertThat(p.outstanding()).isFalse();
        now += 10_000 * MS;
        assertThat(p.stalled()).isFalse();
        p.sent(60);
        now += 501 * MS;
        assertThat(p.stalled()).isTrue();
        assertThat(p.describe()).contains("entries 50..60 outstanding (last ACK 49)");
    }

    @Test
    void timeThisEndWasNotRunningDoesNotCount() {
        p.start(0);
        p.sent(9);
        now += 400 * MS;
        now += 2_000 * MS; // this end paused (GC, busy loop): the ACK may be sitting unread
        p.excludePause(2_000 * MS);
        assertThat(p.stalled()).isFalse();
        now += 101 * MS;
        assertThat(p.stalled()).isTrue();
    }
}
