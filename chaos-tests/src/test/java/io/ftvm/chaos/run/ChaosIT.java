package io.ftvm.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The CI-sized chaos run: a real 3-server ZooKeeper ensemble, 4 ftd hosts (each in its own network namespace where the
 * machine allows it) and 2 protected kvstore VMs as separate processes, every fault kind the network allows for 150 s
 * (or 20 kills), then the history checker and the log checks must find no anomaly. About three minutes on 2 cores. {@code -Dftvm.chaos.seed=S} repeats a run's choices;
 * {@code -Dftvm.chaos.seconds=N} runs longer. The run's directory (history, configs, logs) stays under target/.
 */
class ChaosIT {
    @Test
    void faultsLeaveNoAnomalyInTheHistory() throws Exception {
        long seed = Long.getLong("ftvm.chaos.seed", System.nanoTime());
        long seconds = Long.getLong("ftvm.chaos.seconds", 150);
        Path dir = Path.of("target", "chaos-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        System.err.println("ChaosIT seed " + seed + " (rerun with -Dftvm.chaos.seed=" + seed + "), dir " + dir);
        Summary s = new ChaosRun(ChaosOptions.of(dir, 4, 2, Duration.ofSeconds(seconds), 20, seed),
                line -> System.err.println("chaos: " + line)).run();
        s.lines().forEach(System.err::println);
        if (System.getenv("CI") != null) {
            assertThat(s.network()).as("CI runs the hosts in network namespaces (partitions, packet loss)")
                    .isEqualTo("netns");
        }
        assertThat(s.faults().values().stream().mapToInt(Integer::intValue).sum()).as("faults injected")
                .isGreaterThan(3);
        assertThat(s.report().operationsChecked()).as("operations checked").isGreaterThan(100);
        assertThat(s.report().anomalies()).as("anomalies; history and logs in %s", dir).isEmpty();
    }
}
