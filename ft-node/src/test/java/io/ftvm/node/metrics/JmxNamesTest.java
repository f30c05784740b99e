package io.ftvm.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** ftd's metrics over JMX: labelled names become key properties, odd label values are quoted, values readable. */
class JmxNamesTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void labelledMetricsAreMBeansWithOneKeyPerLabel() throws Exception {
        String domain = "io.ftvm.test" + System.nanoTime();
        MetricRegistry metrics = new MetricRegistry();
        metrics.gauge("ftvm_log_bytes_total{vm=kv}", () -> () -> 42L);
        metrics.counter("ftvm_admin_refused_total").inc(3);
        metrics.counter("ftvm_role_transitions_total{vm=kv,role=backup,state=LIVE}").inc();
        metrics.gauge("ftvm_odd{vm=a:b,name=clash}", () -> () -> 7);
        try (JmxReporter jmx = JmxReporter.forRegistry(metrics).inDomain(domain)
                .createsObjectNamesWith(new JmxNames()).build()) {
            jmx.start();
            assertThat(server.getAttribute(new ObjectName(domain + ":name=ftvm_log_bytes_total,type=gauges,vm=kv"),
                    "Value")).isEqualTo(42L);
            assertThat(server.getAttribute(new ObjectName(domain + ":name=ftvm_admin_refused_total,type=counters"),
                    "Count")).isEqualTo(3L);
            assertThat(server.getAttribute(new ObjectName(domain + ":name=ftvm_role_transitions_total,"
                    + "type=counters,vm=kv,role=backup,state=LIVE"), "Count")).isEqualTo(1L);
            ObjectName odd = new ObjectName(domain + ":name=ftvm_odd,type=gauges,vm=" + ObjectName.quote("a:b")
                    + ",label_name=clash");
            assertThat(server.getAttribute(odd, "Value")).isEqualTo(7);
            assertThat(server.queryNames(new ObjectName(domain + ":*"), null)).hasSize(4);
        }
        assertThat(server.queryNames(new ObjectName(domain + ":*"), null)).as("unregistered on close").isEmpty();
    }
}
