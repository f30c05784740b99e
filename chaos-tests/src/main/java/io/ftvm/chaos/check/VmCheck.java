package io.ftvm.chaos.check;

import io.ftvm.chaos.history.HistoryEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One VM's part of the check, folded event by event so a history of any length is checked in memory proportional to
 * the VM's output, not to the number of events: operations go through {@link KvModel} as their outcomes arrive (one
 * writer per VM, so arrival order is operation order); every client's output is compared, chunk by chunk, with the
 * first copy of each byte any client received (the VM's output so far); at the end the output is compared with a
 * {@link ReferenceOutput} run of the answered input.
 */
final class VmCheck {
    /** In a history cut short, a client this far behind the first arrival of a byte is stuck, not just late. */
    static final long STUCK_SECONDS = 60;
    private final String vm;
    private final List<Anomaly> found = new ArrayList<>();
    private final KvModel model = new KvModel();
    private final StringBuilder answeredInput = new StringBuilder();
    /** Every byte of the VM's output, as the first client to receive it saw it. */
    private final StringBuilder output = new StringBuilder();
    private final Map<String, ClientStream> clients = new TreeMap<>();
    private final List<String> inputs = new ArrayList<>();
    private long checked;
    private long previousDone = -1;
    private boolean allAnswered = true;
    private boolean anyCommand;
    private Pending pending;
    /** The operation in flight when a history cut short ended, or null. */
    private Pending inFlightAtCut;
    /** When each run of new output bytes first arrived: starting offsets and times, in order (see {@link #firstSeen}). */
    private long[] arrivalOffsets = new long[1024];
    private long[] arrivalTimes = new long[1024];
    private int arrivals;

    /** An operation sent and not yet answered. */
    private record Pending(long op, String command, long invokedAt) {
    }

    /** Where one client is in the output, and whether it already went wrong. */
    private static final class ClientStream {
        long next;
        boolean gapped;
        boolean diverged;
    }

    VmCheck(String vm) {
        this.vm = vm;
    }

    String vm() {
        return vm;
    }

    void invoke(HistoryEvent e) {
        if (pending != null) {
            resolve(null); // the previous operation never completed
        }
        anyCommand = true;
        if (e.t() < previousDone) {
            found.add(new Anomaly("history-order", vm, "op " + e.op() + " invoked before op " + (e.op() - 1)
                    + " completed"));
        }
        pending = new Pending(e.op(), e.command(), e.t());
    }

    void outcome(HistoryEvent e) {
        if (pending != null && pending.op() == e.op()) {
            resolve(e);
        }
    }

    private void resolve(HistoryEvent outcome) {
        Pending p = pending;
        pending = null;
        List<String> expected = model.apply(p.command());
        if (outcome == null || outcome.type().equals("fail")) {
            allAnswered = false;
            found.add(new Anomaly("no-answer", vm, "op " + p.op() + " '" + p.command() + "': "
                    + (outcome == null ? "never completed" : outcome.detail())));
            return;
        }
        previousDone = outcome.t();
        answeredInput.append(p.command()).append('\n');
        checked++;
        if (!expected.equals(outcome.lines())) {
            found.add(new Anomaly("wrong-answer", vm, "op " + p.op() + " '" + p.command() + "' answered "
                    + outcome.lines() + ", the model of the operations before it says " + expected));
        }
    }

    void output(HistoryEvent e) {
        ClientStream c = clients.computeIfAbsent(e.client(), k -> new ClientStream());
        if (c.gapped) {
            return;
        }
        if (e.offset() != c.next) {
            found.add(new Anomaly("output-gap", vm, e.client() + " got output at offset " + e.offset()
                    + " while expecting " + c.next));
            c.gapped = e.offset() > c.next;
            return;
        }
        String data = e.data();
        if (c.next + data.length() > output.length()) {
            arrived(Math.max(c.next, output.length()), e.t());
        }
        for (int i = 0; i < data.length(); i++) {
            int at = (int) c.next + i;
            if (at < output.length()) {
                if (!c.diverged && output.charAt(at) != data.charAt(i)) {
                    c.diverged = true;
                    found.add(new Anomaly("output-diverged", vm, e.client() + " and another client see different "
                            + "bytes at offset " + at + ": " + around(data, i) + " vs " + around(output, at)));
                }
            } else {
                output.append(data.charAt(i));
            }
        }
        c.next += data.length();
    }

    private void arrived(long offset, long t) {
        if (arrivals == arrivalOffsets.length) {
            arrivalOffsets = java.util.Arrays.copyOf(arrivalOffsets, arrivals * 2);
            arrivalTimes = java.util.Arrays.copyOf(arrivalTimes, arrivals * 2);
        }
        arrivalOffsets[arrivals] = offset;
        arrivalTimes[arrivals] = t;
        arrivals++;
    }

    /** When the byte at {@code offset} of the output first reached any client. */
    private long firstSeen(long offset) {
        int i = java.util.Arrays.binarySearch(arrivalOffsets, 0, arrivals, offset);
        return arrivalTimes[i >= 0 ? i : Math.max(0, -i - 2)];
    }

    void input(HistoryEvent e) {
        inputs.add("acked".equals(e.detail()) ? null : e.client() + ": " + e.detail());
    }

    void clientFailed(HistoryEvent e) {
        found.add(new Anomaly("client-failed", vm, e.client() + ": " + e.detail()));
    }

    /**
     * Ends the check: adds this VM's anomalies to {@code anomalies}; the number of operations checked. A history that
     * was cut short at {@code cutAt} (the time of its last event; -1: complete) proves nothing about input the worker
     * had no chance to report, and a client may not have caught up yet: those end-of-run rules are left out, except
     * that a client still missing bytes others had received {@link #STUCK_SECONDS} s before the cut is a loss. The
     * operation in flight at the cut is not an anomaly, but its answer, as far as it arrived, must be the one a
     * reference run gives it.
     */
    long finish(String image, long ramMib, List<Anomaly> anomalies, long cutAt) {
        boolean complete = cutAt < 0;
        if (pending != null) {
            if (complete) {
                resolve(null);
            } else {
                inFlightAtCut = pending;
                pending = null;
            }
        }
        if (inputs.isEmpty() && anyCommand && complete) {
            found.add(new Anomaly("input-not-acknowledged", vm, "the worker never reported its input as acknowledged"));
        }
        for (String notAcked : inputs) {
            if (notAcked != null) {
                found.add(new Anomaly("input-not-acknowledged", vm, notAcked));
            }
        }
        for (var c : clients.entrySet()) {
            ClientStream cs = c.getValue();
            if (cs.diverged || cs.next >= output.length()) {
                continue;
            }
            if (complete) {
                found.add(new Anomaly("output-lost", vm, c.getKey() + " received " + cs.next + " bytes of "
                        + output.length()));
            } else {
                long missingFor = cutAt - firstSeen(cs.next);
                if (missingFor > STUCK_SECONDS * 1_000_000_000L) {
                    found.add(new Anomaly("output-lost", vm, c.getKey() + " received " + cs.next + " bytes of "
                            + output.length() + " and was still missing byte " + cs.next + " "
                            + missingFor / 1_000_000_000L + " s after another client got it"));
                }
            }
        }
        if (anyCommand) {
            String reference = ReferenceOutput.of(image, ramMib, ascii(answeredInput));
            // With an operation in flight, the output may hold part of its answer: it must then be a prefix of the
            // reference run that includes that operation.
            String bound = inFlightAtCut == null ? reference : ReferenceOutput.of(image, ramMib,
                    ascii(new StringBuilder(answeredInput).append(inFlightAtCut.command()).append('\n')));
            int at = HistoryChecker.firstDifference(output, bound);
            if (at >= 0) {
                found.add(new Anomaly("output-differs-from-reference", vm, "at offset " + at + ": "
                        + around(output, at) + " vs the reference run's " + around(bound, at)));
            } else if (output.length() < reference.length()) {
                found.add(new Anomaly("output-lost", vm, "the clients received " + output.length()
                        + " bytes; the reference run of the answered input prints " + reference.length()));
            } else if (output.length() > bound.length() && allAnswered) {
                found.add(new Anomaly("output-extra", vm, "the clients received " + output.length()
                        + " bytes; the reference run of the input prints " + bound.length()));
            }
        }
        anomalies.addAll(found);
        return checked;
    }

    private static byte[] ascii(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** True when an operation was in flight at the end of a history cut short (see {@link #finish}). */
    boolean cutInFlight() {
        return inFlightAtCut != null;
    }

    private static String around(CharSequence s, int at) {
        int from = Math.max(0, at - 20);
        int to = Math.min(s.length(), at + 20);
        return "'" + s.subSequence(from, to).toString().replace("\n", "\\n") + "'";
    }
}
