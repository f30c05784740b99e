package io.ftvm.primary;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The Dropwizard metrics one VM's roles update as events happen (gauges that read a role's state are registered by
 * the daemon). Names follow one convention that the daemon's Prometheus exposition understands:
 * {@code base{label=value,...}} — {@code base} in Prometheus style with its base unit ({@code _seconds},
 * {@code _bytes}) and {@code _total} on counters. Every metric here carries the label {@code vm}.
 *
 * <p>Timers are recorded in nanoseconds and exported in seconds. The registry is thread-safe; updates happen per
 * batch, per released output or per takeover, never per instruction.
 */
public final class VmMetrics {
    private final MetricRegistry registry;
    private final String vmId;
    private final Timer ackLatency;
    private final Timer outputHold;
    private final Timer detection;
    private final Timer takeover;
    private final Counter failovers;
    private final Counter switchovers;
    private final Counter digestChecks;
    private final Counter digestMismatches;
    private volatile LongConsumer outputHoldObserver = ns -> { };

    private VmMetrics(MetricRegistry registry, String vmId) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.vmId = Objects.requireNonNull(vmId, "vmId");
        this.ackLatency = registry.timer(name("ftvm_ack_latency_seconds"), SummingTimer::new);
        this.outputHold = registry.timer(name("ftvm_output_hold_seconds"), SummingTimer::new);
        this.detection = registry.timer(name("ftvm_failure_detection_seconds"), SummingTimer::new);
        this.takeover = registry.timer(name("ftvm_takeover_duration_seconds"), SummingTimer::new);
        this.failovers = registry.counter(name("ftvm_failovers_total"));
        this.switchovers = registry.counter(name("ftvm_switchovers_total"));
        this.digestChecks = registry.counter(name("ftvm_digest_checks_total"));
        this.digestMismatches = registry.counter(name("ftvm_digest_mismatches_total"));
    }

    /** The metrics of {@code vmId} in {@code registry} (the same objects for every call with the same VM). */
    public static VmMetrics of(MetricRegistry registry, String vmId) {
        return new VmMetrics(registry, vmId);
    }

    /** Metrics that nobody reads (tests, benchmarks). */
    public static VmMetrics discarding(String vmId) {
        return new VmMetrics(new MetricRegistry(), vmId);
    }

    /** {@code base{vm=<id>}}, or with more labels: {@code base{vm=<id>,k1=v1,...}} ({@code labels}: k1, v1, ...). */
    public String name(String base, String... labels) {
        return tagged(base, vmId, labels);
    }

    /** The naming convention: {@code base{vm=<vmId>,k=v...}}; label values must not contain ',', '=' or '}'. */
    public static String tagged(String base, String vmId, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in key, value pairs");
        }
        StringBuilder b = new StringBuilder(base).append("{vm=").append(vmId);
        for (int i = 0; i < labels.length; i += 2) {
            b.append(',').append(labels[i]).append('=').append(labels[i + 1]);
        }
        return b.append('}').toString();
    }

    public MetricRegistry registry() {
        return registry;
    }

    public String vmId() {
        return vmId;
    }

    /** A log batch was acknowledged {@code nanos} after it was sent. */
    public void ackLatency(long nanos) {
        ackLatency.update(nanos, TimeUnit.NANOSECONDS);
    }

    /** Console output was released {@code nanos} after the guest produced it (the Output Rule's wait). */
    public void outputHeld(long nanos) {
        outputHold.update(nanos, TimeUnit.NANOSECONDS);
        outputHoldObserver.accept(nanos);
    }

    /** Also tells {@code observer} every output hold time, exactly (benchmarks compute exact percentiles). */
    public VmMetrics observeOutputHold(LongConsumer observer) {
        this.outputHoldObserver = observer;
        return this;
    }

    /** A backup took over: it noticed its primary was gone {@code detectionNanos} after losing it, then went live. */
    public void tookOver(long detectionNanos, long takeoverNanos) {
        failovers.inc();
        detection.update(detectionNanos, TimeUnit.NANOSECONDS);
        takeover.update(takeoverNanos, TimeUnit.NANOSECONDS);
    }

    /** A backup took over in a planned switchover (not a failover), going live {@code takeoverNanos} after the hand-over. */
    public void switchedOver(long takeoverNanos) {
        switchovers.inc();
        takeover.update(takeoverNanos, TimeUnit.NANOSECONDS);
    }

    /** {@code n} more digests matched on replay. */
    public void digestsChecked(long n) {
        if (n > 0) {
            digestChecks.inc(n);
        }
    }

    /** Replay diverged from the primary (a digest or an event did not match). */
    public void digestMismatch() {
        digestMismatches.inc();
    }

    public long failovers() {
        return failovers.getCount();
    }

    public Timer ackLatencyTimer() {
        return ackLatency;
    }

    public Timer outputHoldTimer() {
        return outputHold;
    }

    public Timer takeoverTimer() {
        return takeover;
    }
}
