package io.ftvm.chaos.check;

import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a history, VM by VM ({@link VmCheck}), reading it once from start to end; memory grows with the VMs'
 * output, not with the length of the history, so an hours-long run is checked like a short one.
 * <ul>
 *   <li><b>Operations</b> (linearizability, here sequential consistency in real-time order: each VM has one writer
 *   that sends an operation only after the previous one completed, so real-time order is input order): folded over
 *   {@link KvModel} in order, every answer must equal the model's; an operation without an answer is an anomaly
 *   (its input was acknowledged or should have been: the run ends with every fault healed).</li>
 *   <li><b>Input</b>: every worker's input must be acknowledged in the end (nothing acknowledged is lost).</li>
 *   <li><b>Output</b>: each client's output arrives at consecutive offsets from 0 (no gap, no repeat); all clients of
 *   a VM see the same byte at every offset; every client received all of it; the output equals a
 *   {@link ReferenceOutput} run of the answered input, byte for byte.</li>
 *   <li><b>Faults the harness saw</b>: a client that gave up, a VM that did not come back, a host whose
 *   {@code ftvm_digest_mismatches_total} was not 0.</li>
 * </ul>
 * A history without the harness's {@value #RUN_ENDED} record was cut short (the harness died, or the run is still
 * going): everything in it is checked except the end-of-run rules, which it cannot satisfy yet; the report's caveats
 * say so and count the operations left in flight.
 */
public final class HistoryChecker {
    /** The harness's last record, written once the faults are healed and every client has caught up. */
    public static final String RUN_ENDED = "run ended";
    private final String image;
    private final long ramMib;

    /** @param image the guest every VM runs; {@code ramMib} its memory (for the reference run) */
    public HistoryChecker(String image, long ramMib) {
        this.image = image;
        this.ramMib = ramMib;
    }

    /** Checks the events of {@code history}, in order. */
    public CheckReport check(List<HistoryEvent> history) {
        Fold fold = new Fold();
        history.forEach(fold::accept);
        return fold.finish();
    }

    /** Checks a history file, streaming it (a torn last line is skipped, see {@link HistoryReader}). */
    public CheckReport check(Path historyFile) throws IOException {
        Fold fold = new Fold();
        HistoryReader.forEach(historyFile, fold::accept);
        return fold.finish();
    }

    /** The state of one pass over a history. */
    private final class Fold {
        private final Map<String, VmCheck> vms = new TreeMap<>();
        private final List<Anomaly> anomalies = new ArrayList<>();
        private boolean ended;
        private long lastT;

        void accept(HistoryEvent e) {
            lastT = Math.max(lastT, e.t());
            VmCheck v = e.vm() == null ? null : vms.computeIfAbsent(e.vm(), VmCheck::new);
            switch (e.type()) {
                case "invoke" -> v.invoke(e);
                case "ok", "fail" -> v.outcome(e);
                case "output" -> v.output(e);
                case "input" -> v.input(e);
                case "client" -> {
                    if (v != null && e.detail().startsWith("FAILED")) {
                        v.clientFailed(e);
                    } else if (v == null && "harness".equals(e.client()) && RUN_ENDED.equals(e.detail())) {
                        ended = true;
                    }
                }
                case "unavailable" -> anomalies.add(new Anomaly("unavailable", e.vm(), e.detail()));
                case "metrics" -> {
                    if (e.value() != null && e.value() != 0) {
                        anomalies.add(new Anomaly("digest-mismatch", null, e.target() + " reports "
                                + "ftvm_digest_mismatches_total " + e.value()));
                    }
                }
                default -> { }
            }
        }

        CheckReport finish() {
            long checked = 0;
            List<String> inFlight = new ArrayList<>();
            for (VmCheck v : vms.values()) {
                checked += v.finish(image, ramMib, anomalies, ended ? -1 : lastT);
                if (v.cutInFlight()) {
                    inFlight.add(v.vm());
                }
            }
            if (ended) {
                return new CheckReport(checked, 0, anomalies);
            }
            String caveat = "the history ends at " + lastT / 1_000_000_000L + " s without the harness's '" + RUN_ENDED
                    + "' (the harness died or failed, or the run is still going): "
                    + (inFlight.isEmpty() ? "no operation was in flight" : "the operation in flight on " + inFlight
                            + " is not checked")
                    + "; not checked either: every input acknowledged, every client caught up (one stuck for "
                    + VmCheck.STUCK_SECONDS + " s before the cut is still a loss)";
            return new CheckReport(checked, 0, anomalies, List.of(caveat));
        }
    }

    /** The first offset where {@code a} and {@code b} differ within their common length, or -1. */
    static int firstDifference(CharSequence a, CharSequence b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return -1;
    }
}
