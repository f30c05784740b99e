package io.ftvm.node.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Metered;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Sampling;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.ftvm.primary.SummingTimer;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exposes a Dropwizard registry to Prometheus, with labels and types, following ftvm's naming convention
 * ({@code base{k=v,...}}, see {@code io.ftvm.primary.VmMetrics}):
 * <ul>
 *   <li>a {@link Counter} or {@link Metered} (meter, timer count) is a Prometheus {@code counter}; its base name
 *       must end in {@code _total} (a meter's {@code _total} is added when missing);</li>
 *   <li>a {@link Gauge} whose base ends in {@code _total} is a {@code counter} too (a monotonic count read from a
 *       component), any other gauge is a {@code gauge}; numbers and booleans are exported, a null value is
 *       skipped (the gauge does not apply on this host right now);</li>
 *   <li>a {@link Timer} is a {@code summary} in seconds (quantiles 0.5, 0.9, 0.99, {@code _count}, {@code _sum} —
 *       exact for a {@link SummingTimer}, which every ftvm timer is); a {@link Histogram} a summary in its own
 *       unit.</li>
 * </ul>
 * Names without braces have no labels; dots and other characters Prometheus does not allow become '_'.
 */
public final class RegistryCollector extends Collector {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};
    private static final double NANOS = 1e-9;

    private final MetricRegistry registry;

    public RegistryCollector(MetricRegistry registry) {
        this.registry = registry;
    }

    /** A parsed Dropwizard name: the Prometheus base and its labels. */
    record Name(String base, List<String> labelNames, List<String> labelValues) {
        static Name parse(String dropwizard) {
            int brace = dropwizard.indexOf('{');
            String base = brace < 0 ? dropwizard : dropwizard.substring(0, brace);
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            if (brace >= 0 && dropwizard.endsWith("}")) {
                for (String pair : dropwizard.substring(brace + 1, dropwizard.length() - 1).split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        names.add(sanitizeMetricName(pair.substring(0, eq)));
                        values.add(pair.substring(eq + 1));
                    }
                }
            }
            return new Name(sanitizeMetricName(base), names, values);
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Map<String, Family> families = new TreeMap<>();
        for (Map.Entry<String, Metric> e : registry.getMetrics().entrySet()) {
            Name n = Name.parse(e.getKey());
            Metric m = e.getValue();
            if (m instanceof Gauge<?> g) {
                Object v = value(g);
                double d;
                if (v instanceof Number num) {
                    d = num.doubleValue();
                } else if (v instanceof Boolean b) {
                    d = b ? 1 : 0;
                } else {
                    continue;
                }
                Type t = n.base().endsWith("_total") ? Type.COUNTER : Type.GAUGE;
                family(families, n.base(), t).add(n.base(), n, d);
            } else if (m instanceof Counter c) {
                family(families, n.base(), Type.COUNTER).add(n.base(), n, c.getCount());
            } else if (m instanceof Timer t) {
                double sum = t instanceof SummingTimer st ? st.totalNanos() * NANOS
                        : t.getSnapshot().getMean() * NANOS * t.getCount();
                summary(families, n, t.getSnapshot(), t.getCount(), NANOS, sum);
            } else if (m instanceof Histogram h) {
                summary(families, n, h.getSnapshot(), h.getCount(), 1, h.getSnapshot().getMean() * h.getCount());
            } else if (m instanceof Metered meter) {
                String base = n.base().endsWith("_total") ? n.base() : n.base() + "_total";
                family(families, base, Type.COUNTER).add(base, n, meter.getCount());
            }
        }
        List<MetricFamilySamples> out = new ArrayList<>();
        for (Family f : families.values()) {
            // The text format names a counter family without its _total suffix.
            String familyName = f.type == Type.COUNTER && f.name.endsWith("_total")
                    ? f.name.substring(0, f.name.length() - "_total".length()) : f.name;
            out.add(new MetricFamilySamples(familyName, f.type, help(f.name), f.samples));
        }
        return out;
    }

    private static Object value(Gauge<?> g) {
        try {
            return g.getValue();
        } catch (RuntimeException e) {
            return null; // a gauge whose source is closing: skip it this time
        }
    }

    private static void summary(Map<String, Family> families, Name n, Snapshot s, long count, double scale,
            double sum) {
        Family f = family(families, n.base(), Type.SUMMARY);
        List<String> qNames = new ArrayList<>(n.labelNames());
        qNames.add("quantile");
        for (double q : QUANTILES) {
            List<String> qValues = new ArrayList<>(n.labelValues());
            qValues.add(Collector.doubleToGoString(q));
            f.samples.add(new MetricFamilySamples.Sample(n.base(), qNames, qValues, s.getValue(q) * scale));
        }
        f.add(n.base() + "_count", n, count);
        f.add(n.base() + "_sum", n, sum);
    }

    private static Family family(Map<String, Family> families, String name, Type type) {
        return families.computeIfAbsent(name + "/" + type, k -> new Family(name, type));
    }

    private static String help(String name) {
        return HELP.getOrDefault(name, "ftvm metric " + name);
    }

    private static final class Family {
        final String name;
        final Type type;
        final List<MetricFamilySamples.Sample> samples = new ArrayList<>();

        Family(String name, Type type) {
            this.name = name;
            this.type = type;
        }

        void add(String sampleName, Name n, double value) {
            samples.add(new MetricFamilySamples.Sample(sampleName, n.labelNames(), n.labelValues(), value));
        }
    }

    /** One line per metric, shown by Prometheus and Grafana. */
    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("ftvm_log_bytes_total", "Bytes of nondeterminism log shipped to the backup"),
            Map.entry("ftvm_log_entries_total", "Log entries shipped to the backup"),
            Map.entry("ftvm_ack_latency_seconds", "Time from sending a log batch to the backup's ACK of it"),
            Map.entry("ftvm_output_hold_seconds", "Time console output waited in the Output Gate for the backup's ACK"),
            Map.entry("ftvm_backup_lag_instructions", "Guest instructions the backup's replay is behind what it received"),
            Map.entry("ftvm_backup_lag_seconds", "Backup replay lag in seconds of guest execution"),
            Map.entry("ftvm_failovers_total", "Takeovers this host's backups made after their primary went silent"),
            Map.entry("ftvm_switchovers_total", "Planned switchovers to this host's backups (the primary handed over)"),
            Map.entry("ftvm_failure_detection_seconds", "Time from noticing the primary's absence to deciding to take over"),
            Map.entry("ftvm_takeover_duration_seconds", "Time from deciding to take over to running live"),
            Map.entry("ftvm_digest_checks_total", "State digests the backup's replay checked against the primary's"),
            Map.entry("ftvm_digest_mismatches_total", "Divergences: digests or events that did not match on replay"),
            Map.entry("ftvm_guest_instructions_per_second", "Guest instructions per second, smoothed over about a second"),
            Map.entry("ftvm_snapshot_received_bytes", "Bytes of the snapshot in transfer received so far"),
            Map.entry("ftvm_snapshot_size_bytes", "Size of the snapshot in transfer"),
            Map.entry("ftvm_role_state", "1 for the state this host's role for the VM is in"),
            Map.entry("ftvm_vm_status", "1 for the VM's recorded protection status (exported by the cluster manager's host)"),
            Map.entry("ftvm_vm_epoch", "The VM record's epoch (exported by the cluster manager's host)"),
            Map.entry("ftvm_admin_refused_total", "Admin requests refused for a missing or wrong credential"),
            Map.entry("ftvm_admin_limited_total", "Admin connections or requests refused by the endpoint's limits "
                    + "(connections, timeouts, sizes, busy workers, TLS), by reason"),
            Map.entry("ftvm_host_up", "1 while this host is registered and connected to ZooKeeper"),
            Map.entry("ftvm_build_info", "1, labelled with the version of ftvm this host runs"),
            Map.entry("ftvm_hosts_live", "Hosts this host sees registered in the cluster"),
            Map.entry("ftvm_zookeeper_connected", "1 while this host's ZooKeeper session is connected"),
            Map.entry("ftvm_role_transitions_total", "Role state changes on this host, by the state entered"),
            Map.entry("ftvm_guest_instructions_total", "Guest instructions executed (rate() gives the speed)"),
            Map.entry("ftvm_replication_refused_total", "Replication connections this host closed for a protocol "
                    + "violation, an oversized frame or a refused TLS handshake"),
            Map.entry("ftvm_replication_connection_errors_total", "Replication connections lost to an I/O error"),
            Map.entry("ftvm_replication_received_bytes_total", "Bytes of replication frames this host received"),
            Map.entry("ftvm_console_violations_total", "Console connections closed because the client broke the "
                    + "protocol"),
            Map.entry("ftvm_manager_acting", "1 on the host whose cluster manager holds the latch and acts"),
            Map.entry("ftvm_manager_rounds_total", "Reconciliation rounds this host's cluster manager ran"),
            Map.entry("ftvm_manager_transitions_total", "Record changes the cluster manager wrote by CAS, by outcome "
                    + "(lost: another writer changed the record first)"),
            Map.entry("ftvm_vms_unplaced", "VMs that want a backup and that no host can take (acting manager only)"));
}
