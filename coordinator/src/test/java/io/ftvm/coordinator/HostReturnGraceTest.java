package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HostReturnGraceTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final HostReturnGrace grace = new HostReturnGrace(Duration.ofSeconds(3), now::get);

    private static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    @Test
    void anAbsentHostIsReturningForTheGraceFromWhenItWasFirstSeenAbsent() {
        assertThat(grace.nanosToNextExpiry()).isEqualTo(-1);
        assertThat(grace.returning(Set.of("b", "c"), Set.of("a", "c"))).containsExactly("b");
        assertThat(grace.nanosToNextExpiry()).isEqualTo(s(3));
        now.addAndGet(s(2.5));
        assertThat(grace.returning(Set.of("b"), Set.of("a"))).containsExactly("b");
        assertThat(grace.nanosToNextExpiry()).isEqualTo(s(0.5));
        now.addAndGet(s(0.5));
        assertThat(grace.returning(Set.of("b"), Set.of("a"))).isEmpty();
        assertThat(grace.nanosToNextExpiry()).isEqualTo(-1);
    }

    @Test
    void aHostThatCameBackStartsAFreshGraceWhenItLeavesAgain() {
        grace.returning(Set.of("b"), Set.of());
        now.addAndGet(s(2));
        assertThat(grace.returning(Set.of("b"), Set.of("b"))).isEmpty(); // back
        now.addAndGet(s(2));
        assertThat(grace.returning(Set.of("b"), Set.of())).containsExactly("b"); // gone again: 3 s more
        now.addAndGet(s(2.9));
        assertThat(grace.returning(Set.of("b"), Set.of())).containsExactly("b");
    }

    @Test
    void aHostNoLongerNamedAsABackupIsForgotten() {
        grace.returning(Set.of("b"), Set.of());
        now.addAndGet(s(5));
        assertThat(grace.returning(Set.of(), Set.of())).isEmpty();
        // named again later (a new record names it): the clock starts again
        assertThat(grace.returning(Set.of("b"), Set.of())).containsExactly("b");
    }

    @Test
    void aZeroGraceDropsAtOnceAndANegativeOneIsRefused() {
        HostReturnGrace none = new HostReturnGrace(Duration.ZERO, now::get);
        assertThat(none.returning(Set.of("b"), Set.of())).isEmpty();
        assertThatThrownBy(() -> new HostReturnGrace(Duration.ofSeconds(-1), now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}
