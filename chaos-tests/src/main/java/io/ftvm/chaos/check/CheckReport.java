package io.ftvm.chaos.check;

import java.util.ArrayList;
import java.util.List;

/**
 * What the checker found.
 *
 * @param operationsChecked operations whose answer was compared with the model
 * @param failovers         takeovers the ftd logs show
 * @param anomalies         every rule broken (empty: the run is clean)
 */
public record CheckReport(long operationsChecked, long failovers, List<Anomaly> anomalies) {
    public CheckReport {
        anomalies = List.copyOf(anomalies);
    }

    /** This report and {@code other} together. */
    public CheckReport plus(CheckReport other) {
        List<Anomaly> all = new ArrayList<>(anomalies);
        all.addAll(other.anomalies);
        return new CheckReport(operationsChecked + other.operationsChecked, failovers + other.failovers, all);
    }
}
