package io.ftvm.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class JvmMetricsTest {
    @Test
    void pausesAreCountedAndConcurrentCyclesAreNot() {
        assertThat(JvmMetrics.isPause("ZGC Pauses", "end of GC pause")).isTrue();
        assertThat(JvmMetrics.isPause("ZGC Cycles", "end of GC cycle")).isFalse();
        assertThat(JvmMetrics.isPause("Shenandoah Cycles", "end of GC cycle")).isFalse();
        assertThat(JvmMetrics.isPause("PS Scavenge", "end of minor GC")).isTrue();
        assertThat(JvmMetrics.isPause("G1 Old Generation", "end of major GC")).isTrue();
    }

    @Test
    void theProcessHealthIsExportedUnderFtvmNamesAndAGcIsSeen() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        try (JvmMetrics jvm = new JvmMetrics(registry)) {
            System.gc(); // a full collection pauses under every collector but ZGC's and Shenandoah's cycles
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (jvm.pauseCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            CollectorRegistry prom = new CollectorRegistry();
            prom.register(new RegistryCollector(registry));
            StringWriter w = new StringWriter();
            TextFormat.write004(w, prom.metricFamilySamples());
            String text = w.toString();
            assertThat(text).contains("ftvm_jvm_memory_bytes{area=\"heap\",kind=\"used\",}")
                    .contains("ftvm_jvm_memory_bytes{area=\"non_heap\",kind=\"committed\",}")
                    .contains("ftvm_jvm_threads{state=\"runnable\",}")
                    .contains("ftvm_process_open_fds_ratio").contains("# TYPE ftvm_jvm_gc_collections_total counter")
                    .contains("ftvm_jvm_gc_time_seconds_total{gc=").contains("ftvm_jvm_gc_pause_seconds_count")
                    .contains("ftvm_jvm_gc_pause_max_seconds");
            assertThat(jvm.pauseCount()).isPositive();
        }
    }
}
