package io.ftvm.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.chaos.check.Anomaly;
import io.ftvm.chaos.check.CheckReport;
import io.ftvm.chaos.nemesis.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void printsTheKeysTheIssueAsksFor() {
        Summary s = new Summary("netns", Map.of(FaultKind.KILL_PRIMARY, 3, FaultKind.PAUSE, 2), List.of(300L, 100L, 200L),
                new CheckReport(42, 5, List.of(new Anomaly("wrong-answer", "kv-1", "op 7"))), Path.of("x"), 7, 1000);
        assertThat(s.lines()).contains("network: netns", "faults: 5", "faults_partition_pair: 0", "faults_kill_primary: 3", "faults_pause: 2",
                "faults_zk_leader_kill: 0", "failovers: 5", "takeover_p50_ms: 200", "takeover_p99_ms: 300",
                "takeover_max_ms: 300", "operations_checked: 42", "anomalies: 1", "history: complete",
                "  wrong-answer [kv-1]: op 7");
        assertThat(s.clean()).isFalse();
    }

    @Test
    void aHistoryCutShortSaysWhatWasNotChecked() {
        Summary s = new Summary("netns", Map.of(), List.of(), new CheckReport(42, 0, List.of(), List.of("the end")),
                Path.of("x"), 7, 1000);
        assertThat(s.lines()).contains("anomalies: 0", "history: cut short", "  not checked: the end");
        assertThat(s.clean()).isTrue();
    }

    @Test
    void durationsAndUsageErrors() {
        assertThat(ChaosMain.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ChaosMain.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ChaosMain.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ChaosMain.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ChaosMain.run(new String[] {"--bogus"})).isEqualTo(2);
        assertThat(ChaosMain.run(new String[] {"--faults", "kill_everything"})).isEqualTo(2);
        assertThat(ChaosMain.run(new String[] {"--network", "wifi"})).isEqualTo(2);
        assertThat(ChaosMain.run(new String[] {"--network", "loopback", "--faults", "partition_pair"})).isEqualTo(2);
        for (String[] bad : List.of(new String[] {"--kills"}, new String[] {"--kills", "many"},
                new String[] {"--hosts", "2"}, new String[] {"--duration", "5x"}, new String[] {"--duration", "0"},
                new String[] {"--duration", "m"}, new String[] {"--seed", "0x1"}, new String[] {"--check"})) {
            assertThat(ChaosMain.run(bad)).as(String.join(" ", bad)).isEqualTo(2);
        }
        assertThatThrownBy(() -> ChaosMain.parseDuration("ten")).hasMessageContaining("'ten' is not a duration");
        assertThat(ChaosMain.parseFaults("kill_primary, pause")).containsExactly(FaultKind.KILL_PRIMARY,
                FaultKind.PAUSE);
    }
}
