package io.ftvm.node.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.ftvm.backup.BackupRole;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.VmMetrics;
import java.util.function.Supplier;

/**
 * The gauges of one VM on one host, read from whichever roles the host runs for it at scrape time: role states,
 * log bandwidth counters, backup lag, guest MIPS, snapshot transfer progress and, on the cluster manager's host,
 * the VM's recorded status and epoch. A gauge that does not apply on this host reads null and is not exported.
 *
 * <p>Rates (MIPS, the primary's instruction rate behind the lag in seconds) are sampled by {@link #sample} on the
 * daemon's reconcile thread and smoothed over about a second.
 */
public final class VmGauges {
    /** What the gauges read: the host's current roles for the VM and its last record view. */
    public interface Source {
        PrimaryRole primary();

        BackupRole backup();

        /** The record as last seen (null before the first view). */
        VmState state();

        /** True when this host exports the VM's recorded status and epoch (the acting cluster manager does). */
        boolean exportsRecord();

        /**
         * The VM's protection reason code as operators read it ({@code PROTECTED}, {@code STARTING},
         * {@code NO_CAPACITY}, {@code PRIMARY_LOST}, {@code DISABLED}...), or null when this host does not know it.
         */
        String protectionCode();
    }

    private static final double SMOOTHING = 0.3;

    private final MetricRegistry registry;
    private final VmMetrics names;
    /** The reason code the status series carry now (reconcile thread; null before the first). */
    private String exportedCode;
    private final String vmId;
    private final Source source;
    private long lastSampleNanos = -1;
    private long lastPrimaryIcount = -1;
    private long lastReceivedIcount = -1;
    private long lastReplayIcount = -1;
    private volatile double primaryIps;
    private volatile double receivedIps;
    private volatile double lastRunningIps;
    private volatile double replayIps;
    private long lastLogBytes = -1;
    private volatile double logBytesPerSecond;

    public VmGauges(MetricRegistry registry, VmMetrics names, Source source) {
        this.registry = registry;
        this.names = names;
        this.vmId = names.vmId();
        this.source = source;
        for (PrimaryRole.State s : PrimaryRole.State.values()) {
            gauge(names.name("ftvm_role_state", "role", "primary", "state", s.name()),
                    () -> source.primary() != null && source.primary().state() == s ? 1 : 0);
        }
        for (BackupRole.State s : BackupRole.State.values()) {
            gauge(names.name("ftvm_role_state", "role", "backup", "state", s.name()),
                    () -> source.backup() != null && source.backup().state() == s ? 1 : 0);
        }
        gauge(names.name("ftvm_log_bytes_total"), () -> primary(p -> p.logBytesShipped()));
        gauge(names.name("ftvm_log_entries_total"), () -> primary(p -> p.logEntriesShipped()));
        gauge(names.name("ftvm_guest_instructions_total", "role", "primary"), () -> primary(p -> p.machine().icount()));
        gauge(names.name("ftvm_guest_instructions_total", "role", "backup"), () -> backup(b -> b.icount() < 0 ? null : b.icount()));
        gauge(names.name("ftvm_guest_instructions_per_second", "role", "primary"), () -> primary(p -> primaryIps));
        gauge(names.name("ftvm_guest_instructions_per_second", "role", "backup"), () -> backup(b -> replayIps));
        gauge(names.name("ftvm_backup_lag_instructions"), () -> backup(VmGauges::lagInstructions));
        gauge(names.name("ftvm_backup_lag_seconds"), () -> backup(this::lagSeconds));
        gauge(names.name("ftvm_snapshot_received_bytes"), () -> backup(BackupRole::snapshotReceivedBytes));
        gauge(names.name("ftvm_snapshot_size_bytes"), () -> backup(BackupRole::snapshotOfferedBytes));
        exportStatus("UNKNOWN");
        gauge(names.name("ftvm_vm_epoch"), () -> recorded(VmState::epoch));
    }

    /**
     * {@code ftvm_vm_status{status, reason}}: 1 for the recorded status, 0 for the others, every series labelled with
     * the VM's current protection reason code (so an alert can tell "not protected, and it should be" from "fault
     * tolerance turned off"). The series are registered again when the code changes.
     */
    private void exportStatus(String code) {
        if (code.equals(exportedCode)) {
            return;
        }
        String old = exportedCode;
        exportedCode = code;
        for (VmStatus st : VmStatus.values()) { // the new series first: a scrape meanwhile never finds none
            gauge(names.name("ftvm_vm_status", "status", st.name(), "reason", code),
                    () -> recorded(s -> s.status() == st ? 1 : 0));
        }
        if (old != null) {
            for (VmStatus st : VmStatus.values()) {
                registry.remove(names.name("ftvm_vm_status", "status", st.name(), "reason", old));
            }
        }
    }

    /** The guest MIPS of this host's primary (smoothed). */
    public double primaryMips() {
        return primaryIps / 1e6;
    }

    /** The replay MIPS of this host's backup (smoothed). */
    public double replayMips() {
        return replayIps / 1e6;
    }

    /** Log bytes per second this host's primary ships (smoothed). */
    public double logBytesPerSecond() {
        return logBytesPerSecond;
    }

    /** The backup's lag in seconds of the primary's execution (null when not measurable). */
    public Double lagSeconds(BackupRole b) {
        Long lag = lagInstructions(b);
        if (lag == null) {
            return null;
        }
        if (lag == 0) {
            return 0.0;
        }
        // The primary's rate can drop to nothing exactly when the backup is furthest behind (the primary throttles):
        // divide by the last rate seen while it ran.
        double rate = lastRunningIps;
        return rate < 1 ? null : lag / rate;
    }

    /** Guest instructions the backup's replay is behind what it received (null before its snapshot). */
    public static Long lagInstructions(BackupRole b) {
        long received = b.receivedIcount();
        long at = b.icount();
        return received < 0 || at < 0 ? null : Math.max(0, received - at);
    }

    private void gauge(String name, Supplier<Object> value) {
        registry.gauge(name, () -> (Gauge<Object>) value::get);
    }

    private Object primary(java.util.function.Function<PrimaryRole, Object> f) {
        PrimaryRole p = source.primary();
        return p == null ? null : f.apply(p);
    }

    private Object backup(java.util.function.Function<BackupRole, Object> f) {
        BackupRole b = source.backup();
        return b == null ? null : f.apply(b);
    }

    /**
     * The record's status and epoch, exported by the acting cluster manager's host only: one series per VM
     * cluster-wide, stopped VMs and VMs in the middle of a takeover included.
     */
    private Object recorded(java.util.function.Function<VmState, Object> f) {
        VmState s = source.state();
        return s == null || !source.exportsRecord() ? null : f.apply(s);
    }

    /** Samples the instruction counts, and relabels the status series when the reason changed (reconcile thread). */
    public void sample(long nowNanos) {
        String code = source.protectionCode();
        exportStatus(code == null ? "UNKNOWN" : code);
        PrimaryRole p = source.primary();
        BackupRole b = source.backup();
        long pi = p == null ? -1 : p.machine().icount();
        long ri = b == null ? -1 : b.receivedIcount();
        long bi = b == null ? -1 : b.icount();
        long lb = p == null ? -1 : p.logBytesShipped();
        if (lastSampleNanos > 0 && nowNanos > lastSampleNanos) {
            double dt = (nowNanos - lastSampleNanos) / 1e9;
            primaryIps = smooth(primaryIps, pi, lastPrimaryIcount, dt);
            receivedIps = smooth(receivedIps, ri, lastReceivedIcount, dt);
            if (receivedIps >= 1_000) {
                lastRunningIps = receivedIps;
            }
            replayIps = smooth(replayIps, bi, lastReplayIcount, dt);
            logBytesPerSecond = smooth(logBytesPerSecond, lb, lastLogBytes, dt);
        }
        lastLogBytes = lb;
        lastSampleNanos = nowNanos;
        lastPrimaryIcount = pi;
        lastReceivedIcount = ri;
        lastReplayIcount = bi;
    }

    private static double smooth(double old, long now, long before, double dt) {
        if (now < 0 || before < 0 || now < before) {
            return now < 0 ? 0 : old;
        }
        return old + SMOOTHING * ((now - before) / dt - old);
    }

    /** Removes every metric of this VM from the registry (the VM was deleted). */
    public void remove() {
        registry.removeMatching((name, m) -> name.contains("{vm=" + vmId + ",") || name.contains("{vm=" + vmId + "}"));
    }
}
