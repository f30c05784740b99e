package io.ftvm.chaos.nemesis;

import io.ftvm.chaos.cluster.ChaosCluster;
import io.ftvm.chaos.cluster.HostTimeouts;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.chaos.workload.OutputArrivals;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What the nemeses act on and report to.
 *
 * @param cluster  the system under test
 * @param history  where faults, heals and takeovers go
 * @param random   the run's seeded source (fault choice, targets, durations)
 * @param arrivals per VM, when its clients received output from where (takeover timing)
 * @param timeouts the hosts' failure-detection settings (pause lengths are chosen around them)
 */
public record NemesisContext(ChaosCluster cluster, HistoryWriter history, RandomGenerator random,
        Map<String, OutputArrivals> arrivals, HostTimeouts timeouts) {

    /** A uniformly random duration in [min, max] milliseconds. */
    long millis(long min, long max) {
        return min + random.nextLong(max - min + 1);
    }
}
