package io.ftvm.chaos.check;

import java.util.ArrayList;
import java.util.List;

/**
 * What the checker found.
 *
 * @param operationsChecked operations whose answer was compared with the model
 * @param failovers         takeovers the ftd logs show
 * @param anomalies         every rule broken (empty: the run is clean)
 * @param caveats           what could not be checked and why (a history cut short: the harness died or the run is
 *                          still going); empty when everything was checked
 */
public record CheckReport(long operationsChecked, long failovers, List<Anomaly> anomalies, List<String> caveats) {
    public CheckReport {
        anomalies = List.copyOf(anomalies);
        caveats = List.copyOf(caveats);
    }

    /** A report with nothing left unchecked. */
    public CheckReport(long operationsChecked, long failovers, List<Anomaly> anomalies) {
        this(operationsChecked, failovers, anomalies, List.of());
    }

    /** True when the whole history was checked, end-of-run rules included. */
    public boolean complete() {
        return caveats.isEmpty();
    }

    /** This report and {@code other} together. */
    public CheckReport plus(CheckReport other) {
        List<Anomaly> all = new ArrayList<>(anomalies);
        all.addAll(other.anomalies);
        List<String> notes = new ArrayList<>(caveats);
        notes.addAll(other.caveats);
        return new CheckReport(operationsChecked + other.operationsChecked, failovers + other.failovers, all, notes);
    }
}
