package io.ftvm.node.daemon;

import io.ftvm.backup.BackupRole;
import io.ftvm.node.metrics.VmGauges;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.VmMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/** A host's live figures for one VM, as the admin API shows them ({@code GET /v1/local/vms/<vm>}). */
final class RoleFigures {
    private RoleFigures() {
    }

    /**
     * The figures of host {@code host}'s roles for one VM: its primary {@code p} and backup {@code b} (either may be
     * null), and the last takeover of the backup shell whose primary lives on.
     */
    static Map<String, Object> of(String host, PrimaryRole p, BackupRole b, BackupRole shell, VmGauges gauges,
            VmMetrics metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        if (p != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("state", p.state().name());
            f.put("icount", p.machine().icount());
            f.put("mips", round(gauges.primaryMips()));
            f.put("logBytes", p.logBytesShipped());
            f.put("logEntries", p.logEntriesShipped());
            f.put("logBytesPerSecond", Math.round(gauges.logBytesPerSecond()));
            f.put("backupAckedIcount", p.backupAckedIcount());
            f.put("ackLatencyP50Ms", millis(metrics.ackLatencyTimer().getSnapshot().getMedian()));
            f.put("ackLatencyP99Ms", millis(metrics.ackLatencyTimer().getSnapshot().get99thPercentile()));
            f.put("outputHoldP99Ms", millis(metrics.outputHoldTimer().getSnapshot().get99thPercentile()));
            long pause = p.lastSnapshotPauseNanos();
            f.put("lastSnapshotPauseMs", pause < 0 ? null : millis(pause));
            m.put("primary", f);
        }
        if (b != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("state", b.state().name());
            f.put("icount", b.icount());
            f.put("receivedIcount", b.receivedIcount());
            f.put("lagInstructions", VmGauges.lagInstructions(b));
            Double lag = gauges.lagSeconds(b);
            f.put("lagSeconds", lag == null ? null : round(lag));
            f.put("mips", round(gauges.replayMips()));
            f.put("snapshotReceivedBytes", b.snapshotReceivedBytes());
            f.put("snapshotSizeBytes", b.snapshotOfferedBytes());
            m.put("backup", f);
        }
        if (shell != null && shell.lastTakeover() != null) {
            BackupRole.Takeover t = shell.lastTakeover();
            m.put("lastTakeover", Map.of("epoch", t.epoch(), "decidedUnixMillis", t.decidedUnixMillis(),
                    "liveUnixMillis", t.liveUnixMillis(), "detectionMs", millis(t.detectionNanos()),
                    "takeoverMs", millis(t.takeoverNanos())));
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double millis(double nanos) {
        return round(nanos / 1e6);
    }
}
