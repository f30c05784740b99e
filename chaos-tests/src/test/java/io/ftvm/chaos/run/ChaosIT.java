package io.ftvm.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The CI-sized chaos run: a real 3-server ZooKeeper ensemble, 4 ftd hosts (each in its own network namespace where the
 * machine allows it) and 2 protected kvstore VMs as separate processes, every fault kind the network allows for 150 s,
 * then the history checker and the log checks must find no anomaly. The 150 s end the run through its early-stop path
 * (what Ctrl-C does), so that path is exercised too: no fault after it, the history ended and checked in full. About
 * three minutes on 2 cores. {@code -Dftvm.chaos.seed=S} repeats a run's choices; {@code -Dftvm.chaos.seconds=N} runs
 * longer. The run's directory (history, configs, logs) stays under target/.
 */
class ChaosIT {
    @Test
    void faultsLeaveNoAnomalyInTheHistory() throws Exception {
        long seed = Long.getLong("ftvm.chaos.seed", System.nanoTime());
        long seconds = Long.getLong("ftvm.chaos.seconds", 150);
        Path dir = Path.of("target", "chaos-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        System.err.println("ChaosIT seed " + seed + " (rerun with -Dftvm.chaos.seed=" + seed + "), dir " + dir);
        AtomicLong stopAt = new AtomicLong(); // counted from the first fault, like a duration
        Supplier<Optional<StopReason>> stop = () -> {
            long now = System.nanoTime();
            stopAt.compareAndSet(0, now + seconds * 1_000_000_000L);
            return now >= stopAt.get() ? Optional.of(new StopReason("test time up", 0)) : Optional.empty();
        };
        // The duration is only a bound: the stop above ends the faults.
        Summary s = new ChaosRun(ChaosOptions.of(dir, 4, 2, Duration.ofSeconds(seconds + 600), 1000, seed),
                line -> System.err.println("chaos: " + line), stop).run();
        s.lines().forEach(System.err::println);
        assertThat(s.stoppedEarly()).as("ended by the stop").isPresent();
        assertThat(s.report().complete()).as("history complete; caveats %s", s.report().caveats()).isTrue();
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
