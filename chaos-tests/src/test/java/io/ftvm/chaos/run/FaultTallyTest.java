package io.ftvm.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.chaos.nemesis.FaultKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --check}'s summary from a kept history: faults per kind (a double fault once), takeovers, network, an early
 * stop.
 */
class FaultTallyTest {
    @TempDir
    Path dir;

    @Test
    void talliesFaultsAndTakeoversFromTheHistory() throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (HistoryWriter h = new HistoryWriter(file, () -> 0)) {
            h.append(HistoryEvent.client(1, null, "harness", "network netns, faults [KILL_PRIMARY]"));
            h.append(HistoryEvent.fault(2, "KILL_PRIMARY", "host-1", "primary of kv-1"));
            h.append(HistoryEvent.takeover(3, "kv-1", "host-1", 250));
            h.append(HistoryEvent.fault(4, "KILL_PRIMARY_AND_ZK_LEADER", "zk-2", "leader"));
            h.append(HistoryEvent.fault(5, "KILL_PRIMARY_AND_ZK_LEADER", "host-2", "primary of kv-1"));
            h.append(HistoryEvent.takeover(6, "kv-1", "host-2", 1250));
            h.append(HistoryEvent.fault(7, "PARTITION_PAIR", "host-1|host-3", "cut"));
            h.append(HistoryEvent.fault(8, "A_KIND_FROM_THE_FUTURE", "host-1", "?"));
            h.append(HistoryEvent.heal(9_000_000_000L, "PARTITION_PAIR", "host-1|host-3", "healed"));
            h.append(HistoryEvent.client(9_000_000_001L, null, "harness", ChaosRun.STOPPED_EARLY + "SIGINT"));
        }
        Files.writeString(file, "{\"t\":1,\"type\":\"fau", java.nio.file.StandardOpenOption.APPEND); // torn
        FaultTally t = FaultTally.of(file);
        assertThat(t.network()).isEqualTo("netns");
        assertThat(t.faults()).containsEntry(FaultKind.KILL_PRIMARY, 1)
                .containsEntry(FaultKind.KILL_PRIMARY_AND_ZK_LEADER, 1).containsEntry(FaultKind.PARTITION_PAIR, 1)
                .hasSize(3);
        assertThat(t.takeoverMillis()).containsExactly(250L, 1250L);
        assertThat(t.runMillis()).isEqualTo(9000);
        assertThat(t.stoppedEarly()).map(StopReason::name).hasValue("SIGINT");
    }

    @Test
    void aRunThatWentItsCourseWasNotStoppedEarly() throws Exception {
        Path file = dir.resolve("history.jsonl");
        try (HistoryWriter h = new HistoryWriter(file, () -> 0)) {
            h.append(HistoryEvent.client(1, null, "harness", "network loopback, faults [KILL_PRIMARY]"));
        }
        assertThat(FaultTally.of(file).stoppedEarly()).isEmpty();
    }
}
