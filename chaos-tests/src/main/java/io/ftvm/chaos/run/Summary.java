package io.ftvm.chaos.run;

import io.ftvm.chaos.check.Anomaly;
import io.ftvm.chaos.check.CheckReport;
import io.ftvm.chaos.nemesis.FaultKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a run, printed as {@code key: value} lines: the seed and the network (netns or loopback), faults
 * (total and per kind), failovers, client-seen
 * takeover times (p50, p99, max, in ms, over the primary kills), operations checked and anomalies, whether a signal
 * ended the run early, whether the history was complete; then each anomaly and what a history cut short left unchecked.
 */
public record Summary(String network, Map<FaultKind, Integer> faults, List<Long> takeoverMillis, CheckReport report, Path dir,
        long seed, long runMillis, Optional<StopReason> stoppedEarly) {

    /** The summary of a run that went to its duration or kill budget. */
    public Summary(String network, Map<FaultKind, Integer> faults, List<Long> takeoverMillis, CheckReport report,
            Path dir, long seed, long runMillis) {
        this(network, faults, takeoverMillis, report, dir, seed, runMillis, Optional.empty());
    }

    public boolean clean() {
        return report.anomalies().isEmpty();
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("seed: " + seed);
        out.add("network: " + network);
        out.add("faults: " + faults.values().stream().mapToInt(Integer::intValue).sum());
        for (FaultKind k : FaultKind.values()) {
            out.add(k.key() + ": " + faults.getOrDefault(k, 0));
        }
        out.add("failovers: " + report.failovers());
        List<Long> t = new ArrayList<>(takeoverMillis);
        t.sort(null);
        out.add("takeover_p50_ms: " + percentile(t, 0.50));
        out.add("takeover_p99_ms: " + percentile(t, 0.99));
        out.add("takeover_max_ms: " + (t.isEmpty() ? 0 : t.get(t.size() - 1)));
        out.add("operations_checked: " + report.operationsChecked());
        out.add("anomalies: " + report.anomalies().size());
        out.add("run_seconds: " + runMillis / 1000);
        out.add("stopped_early: " + stoppedEarly.map(StopReason::name).orElse("no"));
        out.add("history: " + (report.complete() ? "complete" : "cut short"));
        for (Anomaly a : report.anomalies()) {
            out.add("  " + a);
        }
        for (String c : report.caveats()) {
            out.add("  not checked: " + c);
        }
        return out;
    }

    /** Nearest-rank percentile of sorted values (0 when there are none). */
    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
