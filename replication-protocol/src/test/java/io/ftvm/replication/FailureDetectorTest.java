package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The accrual detector's threshold: the ceiling while it learns, near the floor on a steady link, longer on a noisy one. */
class FailureDetectorTest {
    private static final long MS = 1_000_000L;

    private static FailureDetector detector() {
        return new FailureDetector(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(1000));
    }

    @Test
    void threeTimesTheFloorAppliesUntilEnoughGapsWereSeen() {
        FailureDetector d = detector();
        assertThat(d.thresholdNanos()).isEqualTo(150 * MS);
        for (int i = 0; i < FailureDetector.WARM_UP - 1; i++) {
            d.gap(10 * MS);
        }
        assertThat(d.thresholdNanos()).isEqualTo(150 * MS);
        assertThat(d.suspects(140 * MS)).isFalse();
        assertThat(new FailureDetector(Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofMillis(1000))
                .thresholdNanos()).as("never past the ceiling").isEqualTo(1000 * MS);
        d.gap(10 * MS);
        assertThat(d.thresholdNanos()).isEqualTo(50 * MS);
        assertThat(d.suspects(50 * MS)).isFalse();
        assertThat(d.suspects(50 * MS + 1)).isTrue();
    }

    @Test
    void aSteadyLinkIsSuspectedAtTheFloorAndANoisyOneLater() {
        FailureDetector steady = detector();
        FailureDetector noisy = detector();
        Random r = new Random(1);
        for (int i = 0; i < 1000; i++) {
            steady.gap((long) ((10 + r.nextGaussian() * 0.5) * MS));
            // a loaded host: heartbeats come 10 ms apart on average but vary by 15 ms
            noisy.gap(Math.max(0, (long) ((10 + r.nextGaussian() * 15) * MS)));
        }
        assertThat(steady.thresholdNanos()).isEqualTo(50 * MS);
        assertThat(noisy.thresholdNanos()).isBetween(80 * MS, 140 * MS);
        // every gap the noisy link showed lies under its threshold: none of them would have been a false suspicion
        assertThat(noisy.suspects(75 * MS)).isFalse();
    }

    @Test
    void theThresholdFollowsTheLinkAsItCalmsDownAndNeverPassesTheCeiling() {
        FailureDetector d = detector();
        for (int i = 0; i < FailureDetector.WINDOW; i++) {
            d.gap(i % 2 == 0 ? 0 : 600 * MS); // wildly irregular
        }
        assertThat(d.thresholdNanos()).isEqualTo(1000 * MS);
        for (int i = 0; i < FailureDetector.WINDOW; i++) {
            d.gap(10 * MS); // the window forgets the noise
        }
        assertThat(d.thresholdNanos()).isEqualTo(50 * MS);
        assertThat(d.samples()).isEqualTo(FailureDetector.WINDOW);
    }

    @Test
    void theRunningSumsDoNotDriftOverAlongRun() {
        FailureDetector d = detector();
        Random r = new Random(2);
        for (int i = 0; i < 200_000; i++) {
            d.gap((long) (r.nextDouble() * 1e9));
        }
        for (int i = 0; i < FailureDetector.WINDOW; i++) {
            d.gap(10 * MS);
        }
        assertThat(d.thresholdNanos()).isEqualTo(50 * MS);
    }

    @Test
    void aFixedDetectorIsTheOldTimeoutAndBadBoundsAreRefused() {
        FailureDetector f = FailureDetector.fixed(Duration.ofMillis(100), Duration.ofMillis(500));
        for (int i = 0; i < 100; i++) {
            f.gap(100 * MS);
        }
        assertThat(f.thresholdNanos()).isEqualTo(500 * MS);
        assertThatThrownBy(() -> new FailureDetector(Duration.ofMillis(10), Duration.ofMillis(10),
                Duration.ofMillis(100))).hasMessageContaining("shorter than the peer timeout");
        assertThatThrownBy(() -> new FailureDetector(Duration.ofMillis(10), Duration.ofMillis(100),
                Duration.ofMillis(50))).hasMessageContaining("longest peer timeout");
    }
}
