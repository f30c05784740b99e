package io.ftvm.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** At most one line per reason per interval; the next line says how many were left out. */
class RefusalLogTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> lines = new ArrayList<>();
    private final RefusalLog log = new RefusalLog(Duration.ofSeconds(5), now::get, lines::add);

    @Test
    void oneLinePerReasonPerIntervalWithTheCountLeftOut() {
        log.refused("A", "a1");
        log.refused("A", "a2");
        log.refused("B", "b1"); // another reason has its own budget
        now.addAndGet(Duration.ofMillis(4_999).toNanos());
        log.refused("A", "a3");
        assertThat(lines).containsExactly("a1", "b1");

        now.addAndGet(Duration.ofMillis(1).toNanos());
        log.refused("A", "a4");
        log.refused("A", "a5");
        assertThat(lines).containsExactly("a1", "b1", "a4 (2 more refused for A since the last line, not logged)");

        now.addAndGet(Duration.ofSeconds(60).toNanos());
        log.refused("A", "a6");
        assertThat(lines).last().isEqualTo("a6 (1 more refused for A since the last line, not logged)");
        log.refused("B", "b2");
        assertThat(lines).last().isEqualTo("b2");
    }
}
