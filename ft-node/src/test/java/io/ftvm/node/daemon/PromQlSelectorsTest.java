package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.node.daemon.PromQlSelectors.LabelMatcher;
import io.ftvm.node.daemon.PromQlSelectors.Selector;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromQlSelectorsTest {
    @Test
    void findsMetricsAndMatchersButNotFunctionsKeywordsOrGroupingLabels() {
        PromQlSelectors s = PromQlSelectors.of("max by (vm, quantile) (ftvm_ack_latency_seconds{vm=~\"$vm\","
                + "instance=~\"$instance\"} and on (vm, instance) (ftvm_role_state{role=\"primary\",state!~\"A|B\"} == 1))"
                + " / sum(rate(x_total[$__rate_interval] offset 5m)) * 1e6 > bool 0.5");
        assertThat(s.selectors()).containsExactly(
                new Selector("ftvm_ack_latency_seconds", List.of(new LabelMatcher("vm", "=~", "$vm"),
                        new LabelMatcher("instance", "=~", "$instance"))),
                new Selector("ftvm_role_state", List.of(new LabelMatcher("role", "=", "primary"),
                        new LabelMatcher("state", "!~", "A|B"))),
                new Selector("x_total", List.of()));
        assertThat(s.groupingLabels()).containsExactlyInAnyOrder("vm", "quantile", "instance");
    }

    @Test
    void stringsMayHoldBracesAndQuotes() {
        PromQlSelectors s = PromQlSelectors.of("a{l=\"x}\\\"y\"} or label_replace(b, \"dst\", \"$1\", \"src\", \"(.*)\")");
        assertThat(s.selectors()).extracting(Selector::metric).containsExactly("a", "b");
        assertThat(s.selectors().get(0).matchers()).containsExactly(new LabelMatcher("l", "=", "x}\\\"y"));
    }

    @Test
    void readsGrafanaLabelValuesQueries() {
        PromQlSelectors s = PromQlSelectors.ofVariableQuery("label_values(ftvm_role_state{instance=~\"$instance\"}, vm)");
        assertThat(s.selectors()).extracting(Selector::metric).containsExactly("ftvm_role_state");
        assertThat(s.groupingLabels()).containsExactly("vm");
        assertThat(PromQlSelectors.ofVariableQuery("label_values(instance)").selectors()).isEmpty();
    }
}
