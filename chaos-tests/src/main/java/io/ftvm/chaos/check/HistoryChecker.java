package io.ftvm.chaos.check;

import io.ftvm.chaos.history.HistoryEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a history, VM by VM.
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
 */
public final class HistoryChecker {
    private final String image;
    private final long ramMib;

    /** @param image the guest every VM runs; {@code ramMib} its memory (for the reference run) */
    public HistoryChecker(String image, long ramMib) {
        this.image = image;
        this.ramMib = ramMib;
    }

    /** One VM's part of the history. */
    private static final class VmHistory {
        final Map<Long, String> commands = new TreeMap<>();
        final Map<Long, HistoryEvent> outcomes = new TreeMap<>();
        final Map<Long, Long> invokedAt = new TreeMap<>();
        final Map<String, List<HistoryEvent>> outputs = new TreeMap<>();
        final List<HistoryEvent> inputs = new ArrayList<>();
        final List<String> clientFailures = new ArrayList<>();
    }

    public CheckReport check(List<HistoryEvent> history) {
        Map<String, VmHistory> vms = new TreeMap<>();
        List<Anomaly> anomalies = new ArrayList<>();
        for (HistoryEvent e : history) {
            VmHistory v = e.vm() == null ? null : vms.computeIfAbsent(e.vm(), k -> new VmHistory());
            switch (e.type()) {
                case "invoke" -> {
                    v.commands.put(e.op(), e.command());
                    v.invokedAt.put(e.op(), e.t());
                }
                case "ok", "fail" -> v.outcomes.put(e.op(), e);
                case "output" -> v.outputs.computeIfAbsent(e.client(), k -> new ArrayList<>()).add(e);
                case "input" -> v.inputs.add(e);
                case "client" -> {
                    if (e.detail().startsWith("FAILED")) {
                        v.clientFailures.add(e.client() + ": " + e.detail());
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
        long checked = 0;
        for (var entry : vms.entrySet()) {
            checked += checkVm(entry.getKey(), entry.getValue(), anomalies);
        }
        return new CheckReport(checked, 0, anomalies);
    }

    private long checkVm(String vm, VmHistory v, List<Anomaly> anomalies) {
        List<Anomaly> found = new ArrayList<>();
        // Operations against the model, in order.
        KvModel model = new KvModel();
        StringBuilder answeredInput = new StringBuilder();
        long checked = 0;
        long previousDone = -1;
        boolean allAnswered = true;
        for (var op : v.commands.entrySet()) {
            long id = op.getKey();
            String command = op.getValue();
            HistoryEvent outcome = v.outcomes.get(id);
            List<String> expected = model.apply(command);
            if (v.invokedAt.get(id) < previousDone) {
                found.add(new Anomaly("history-order", vm, "op " + id + " invoked before op " + (id - 1)
                        + " completed"));
            }
            if (outcome == null || outcome.type().equals("fail")) {
                allAnswered = false;
                found.add(new Anomaly("no-answer", vm, "op " + id + " '" + command + "': "
                        + (outcome == null ? "never completed" : outcome.detail())));
                continue;
            }
            previousDone = outcome.t();
            answeredInput.append(command).append('\n');
            checked++;
            if (!expected.equals(outcome.lines())) {
                found.add(new Anomaly("wrong-answer", vm, "op " + id + " '" + command + "' answered "
                        + outcome.lines() + ", the model of the operations before it says " + expected));
            }
        }
        // Input.
        if (v.inputs.isEmpty() && !v.commands.isEmpty()) {
            found.add(new Anomaly("input-not-acknowledged", vm, "the worker never reported its input as acknowledged"));
        }
        for (HistoryEvent in : v.inputs) {
            if (!"acked".equals(in.detail())) {
                found.add(new Anomaly("input-not-acknowledged", vm, in.client() + ": " + in.detail()));
            }
        }
        for (String f : v.clientFailures) {
            found.add(new Anomaly("client-failed", vm, f));
        }
        // Output: per client, then across clients, then against the reference.
        Map<String, String> streams = new TreeMap<>();
        for (var c : v.outputs.entrySet()) {
            StringBuilder s = new StringBuilder();
            for (HistoryEvent o : c.getValue()) {
                if (o.offset() != s.length()) {
                    found.add(new Anomaly("output-gap", vm, c.getKey() + " got output at offset " + o.offset()
                            + " while expecting " + s.length()));
                    if (o.offset() > s.length()) {
                        break;
                    }
                    continue;
                }
                s.append(o.data());
            }
            streams.put(c.getKey(), s.toString());
        }
        String longest = streams.values().stream().reduce("", (a, b) -> a.length() >= b.length() ? a : b);
        for (var s : streams.entrySet()) {
            int at = firstDifference(s.getValue(), longest);
            if (at >= 0) {
                found.add(new Anomaly("output-diverged", vm, s.getKey() + " and another client see different bytes"
                        + " at offset " + at + ": " + around(s.getValue(), at) + " vs " + around(longest, at)));
            } else if (s.getValue().length() < longest.length()) {
                found.add(new Anomaly("output-lost", vm, s.getKey() + " received " + s.getValue().length()
                        + " bytes of " + longest.length()));
            }
        }
        if (!v.commands.isEmpty()) {
            String reference = ReferenceOutput.of(image, ramMib, answeredInput.toString()
                    .getBytes(StandardCharsets.US_ASCII));
            int at = firstDifference(longest, reference);
            if (at >= 0) {
                found.add(new Anomaly("output-differs-from-reference", vm, "at offset " + at + ": "
                        + around(longest, at) + " vs the reference run's " + around(reference, at)));
            } else if (longest.length() < reference.length()) {
                found.add(new Anomaly("output-lost", vm, "the clients received " + longest.length()
                        + " bytes; the reference run of the answered input prints " + reference.length()));
            } else if (longest.length() > reference.length() && allAnswered) {
                found.add(new Anomaly("output-extra", vm, "the clients received " + longest.length()
                        + " bytes; the reference run of the input prints " + reference.length()));
            }
        }
        anomalies.addAll(found);
        return checked;
    }

    /** The first offset where {@code a} and {@code b} differ within their common length, or -1. */
    static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return -1;
    }

    private static String around(String s, int at) {
        int from = Math.max(0, at - 20);
        int to = Math.min(s.length(), at + 20);
        return "'" + s.substring(from, to).replace("\n", "\\n") + "'";
    }
}
