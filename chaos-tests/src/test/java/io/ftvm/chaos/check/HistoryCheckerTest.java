package io.ftvm.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.chaos.history.HistoryEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker passes a clean history and names each kind of anomaly planted in one. */
class HistoryCheckerTest {
    private final HistoryChecker checker = new HistoryChecker("kvstore", 32);

    /** A clean history of one VM: three operations, the worker's and the observer's output, input acknowledged. */
    private static List<HistoryEvent> clean() {
        List<HistoryEvent> h = new ArrayList<>();
        KvModel model = new KvModel();
        StringBuilder out = new StringBuilder("kvstore ready\n");
        String[] commands = {"set k1 v1", "get k1", "incr c0 3"};
        long t = 0;
        for (int i = 0; i < commands.length; i++) {
            h.add(HistoryEvent.invoke(t++, "kv", i + 1, commands[i]));
            List<String> answer = model.apply(commands[i]);
            h.add(HistoryEvent.ok(t++, "kv", i + 1, answer));
            answer.forEach(l -> out.append(l).append('\n'));
        }
        String s = out.toString();
        for (String client : List.of("kv/worker", "kv/observer")) {
            h.add(HistoryEvent.output(t++, "kv", client, 0, s.substring(0, 10), "127.0.0.2:1"));
            h.add(HistoryEvent.output(t++, "kv", client, 10, s.substring(10), "127.0.0.2:2"));
        }
        h.add(HistoryEvent.input(t, "kv", "kv/worker", 30, "acked"));
        h.add(runEnded(t + 1));
        return h;
    }

    private static HistoryEvent runEnded(long t) {
        return HistoryEvent.client(t, null, "harness", HistoryChecker.RUN_ENDED);
    }

    /**
     * {@link #clean()} cut short by a harness that died: the worker sent a fourth operation whose answer began to
     * arrive, the observer had not caught up, nobody reported the input.
     */
    private static List<HistoryEvent> cutShort() {
        List<HistoryEvent> h = clean();
        h.remove(h.size() - 1); // no "run ended"
        h.remove(h.size() - 1); // no input report
        h.remove(h.size() - 1); // the observer's first chunk arrived, its second not yet
        HistoryEvent last = h.get(h.size() - 2); // the worker's second chunk
        h.add(HistoryEvent.invoke(200, "kv", 4, "get k1"));
        h.add(HistoryEvent.output(201, "kv", "kv/worker", last.offset() + last.data().length(), "VAL",
                "127.0.0.2:2"));
        return h;
    }

    private List<String> kinds(List<HistoryEvent> h) {
        return checker.check(h).anomalies().stream().map(Anomaly::kind).toList();
    }

    @Test
    void aCleanHistoryHasNoAnomalies() {
        CheckReport r = checker.check(clean());
        assertThat(r.anomalies()).isEmpty();
        assertThat(r.operationsChecked()).isEqualTo(3);
    }

    @Test
    void aHistoryCutShortLeavesOnlyTheEndOfRunRulesOut() {
        CheckReport r = checker.check(cutShort());
        assertThat(r.anomalies()).isEmpty();
        assertThat(r.operationsChecked()).isEqualTo(3);
        assertThat(r.complete()).isFalse();
        assertThat(r.caveats()).singleElement().asString().contains("run ended", "in flight on [kv]",
                "every input acknowledged");

        List<HistoryEvent> wrong = cutShort();
        wrong.set(3, HistoryEvent.ok(3, "kv", 2, List.of("NOT_FOUND")));
        assertThat(kinds(wrong)).containsExactly("wrong-answer"); // what did happen is still checked
    }

    @Test
    void aCutDoesNotHideAStuckClientOrAWrongPartialAnswer() {
        List<HistoryEvent> stuck = cutShort();
        stuck.add(HistoryEvent.client(300 + VmCheck.STUCK_SECONDS * 1_000_000_000L, null, "harness", "still going"));
        assertThat(checker.check(stuck).anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("output-lost");
            assertThat(a.toString()).contains("kv/observer", "still missing");
        });

        List<HistoryEvent> wrong = cutShort();
        HistoryEvent partial = wrong.get(wrong.size() - 1);
        wrong.set(wrong.size() - 1, HistoryEvent.output(partial.t(), "kv", partial.client(), partial.offset(), "x",
                partial.endpoint()));
        assertThat(kinds(wrong)).containsExactly("output-differs-from-reference");
    }

    @Test
    void theSameEndInACompleteHistoryIsALoss() {
        List<HistoryEvent> h = cutShort();
        h.add(runEnded(300));
        CheckReport r = checker.check(h);
        assertThat(r.complete()).isTrue();
        assertThat(r.anomalies().stream().map(Anomaly::kind)).contains("no-answer", "input-not-acknowledged",
                "output-lost");
    }

    @Test
    void aStaleReadIsAWrongAnswer() {
        List<HistoryEvent> h = clean();
        h.set(3, HistoryEvent.ok(3, "kv", 2, List.of("NOT_FOUND")));
        assertThat(kinds(h)).contains("wrong-answer");
    }

    @Test
    void differentBytesAtOneOffsetAreADivergence() {
        List<HistoryEvent> h = clean();
        HistoryEvent o = h.get(h.size() - 3); // the observer's second chunk
        h.set(h.size() - 3, HistoryEvent.output(o.t(), "kv", o.client(), o.offset(), o.data().replace("OK", "KO"),
                o.endpoint()));
        assertThat(kinds(h)).contains("output-diverged");
    }

    @Test
    void missingOutputAndUnacknowledgedInputAreLosses() {
        List<HistoryEvent> h = clean();
        h.remove(h.size() - 3); // the observer never got its second chunk
        h.set(h.size() - 2, HistoryEvent.input(99, "kv", "kv/worker", 30, "not acknowledged"));
        assertThat(kinds(h)).contains("output-lost", "input-not-acknowledged");
    }

    @Test
    void aGapAnUnansweredOperationAndADigestMismatchAreAnomalies() {
        List<HistoryEvent> h = clean();
        h.add(HistoryEvent.output(100, "kv", "kv/third", 5, "x", null));
        h.add(HistoryEvent.invoke(101, "kv", 4, "count"));
        h.add(HistoryEvent.fail(102, "kv", 4, "no answer"));
        h.add(HistoryEvent.metrics(103, "host-1", 1));
        assertThat(kinds(h)).contains("output-gap", "no-answer", "digest-mismatch");
    }
}
