package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Heartbeat scheduling, silence detection and RTT from echoes, on a test clock (no sleeping). */
class LivenessTest {
    private long now = 1_000_000;

    @Test
    void heartbeatsAreDueEveryIntervalAndSilenceIsDetectedAfterTheTimeout() {
        Liveness l = new Liveness(Duration.ofMillis(100), Duration.ofMillis(500), () -> now);
        assertThat(l.heartbeatDue()).isTrue();
        l.nextHeartbeat();
        assertThat(l.heartbeatDue()).isFalse();
        now += 100_000_000;
        assertThat(l.heartbeatDue()).isTrue();
        now += 400_000_000;
        assertThat(l.peerSilent()).isFalse();
        now += 1;
        assertThat(l.peerSilent()).isTrue();
        l.messageReceived();
        assertThat(l.peerSilent()).isFalse();
    }

    @Test
    void timeThisEndWasNotRunningIsNotThePeersSilence() {
        Liveness l = new Liveness(Duration.ofMillis(100), Duration.ofMillis(500), () -> now);
        assertThat(l.checkPeriodNanos()).isEqualTo(50_000_000);
        now += 50_000_000;
        assertThat(l.tick()).isZero();
        now += 100_000_000; // two periods: still on time
        assertThat(l.tick()).isZero();
        assertThat(l.silenceNanos()).isEqualTo(150_000_000);
        now += 2_000_000_000L; // this end did not run for about two seconds (a GC pause, a busy event loop)
        assertThat(l.tick()).isEqualTo(1_950_000_000L);
        assertThat(l.silenceNanos()).isEqualTo(200_000_000);
        assertThat(l.peerSilent()).isFalse();
        for (int i = 0; i < 6; i++) { // silence while this end runs still counts
            now += 50_000_000;
            assertThat(l.tick()).isZero();
        }
        assertThat(l.silenceNanos()).isEqualTo(500_000_000);
        assertThat(l.peerSilent()).isFalse();
        now += 50_000_000;
        l.tick();
        assertThat(l.peerSilent()).isTrue();
    }

    @Test
    void roundTripComesFromTheEchoOfOurSendTime() {
        Liveness a = new Liveness(Duration.ofMillis(100), Duration.ofMillis(500), () -> now);
        Liveness b = new Liveness(Duration.ofMillis(100), Duration.ofMillis(500), () -> now);
        Messages.Heartbeat fromA = a.nextHeartbeat();
        now += 30_000;
        b.onHeartbeat(fromA);
        Messages.Heartbeat fromB = b.nextHeartbeat();
        assertThat(fromB.echoTimeNanos()).isEqualTo(fromA.sendTimeNanos());
        now += 20_000;
        a.onHeartbeat(fromB);
        assertThat(a.rttNanos()).isEqualTo(50_000);
        assertThat(b.rttNanos()).isEqualTo(-1);
    }

    @Test
    void heartbeatGapsTeachTheDetectorAndThisEndsPausesAreLeftOutOfThem() {
        FailureDetector d = new FailureDetector(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(1000));
        Liveness l = new Liveness(Duration.ofMillis(10), d, () -> now);
        for (int i = 0; i <= FailureDetector.WARM_UP; i++) {
            now += 5_000_000;
            l.tick();
            now += 5_000_000;
            l.tick();
            l.onHeartbeat(new Messages.Heartbeat(now, 0));
        }
        assertThat(l.toleranceNanos()).isEqualTo(50_000_000);
        // this end stalls for 300 ms: the heartbeat read after it is not a 300 ms gap of the peer's
        now += 300_000_000;
        assertThat(l.tick()).isEqualTo(295_000_000);
        l.onHeartbeat(new Messages.Heartbeat(now, 0));
        assertThat(l.toleranceNanos()).isEqualTo(50_000_000);
        // the peer then goes silent while this end runs: suspected after 50 ms, not a second
        for (int i = 0; i < 10; i++) {
            now += 5_000_000;
            l.tick();
        }
        assertThat(l.peerSilent()).isFalse();
        now += 5_000_000;
        l.tick();
        assertThat(l.peerSilent()).isTrue();
    }

    @Test
    void aTimeoutNotLongerThanTheIntervalIsRefused() {
        assertThatThrownBy(() -> new Liveness(Duration.ofMillis(100), Duration.ofMillis(100), () -> now))
                .hasMessageContaining("shorter than the peer timeout");
        assertThatThrownBy(() -> new Liveness(Duration.ZERO, Duration.ofMillis(100), () -> now))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
