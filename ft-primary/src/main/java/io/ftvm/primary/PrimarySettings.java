package io.ftvm.primary;

import io.ftvm.replication.ConnectionSettings;
import io.ftvm.vmm.replay.RecordConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a primary runs: record-mode slicing (horizon entries are always on), the Output Gate's capacity, the input
 * buffer, the bytes of log allowed in flight before the VM is throttled, how long a silent backup is tolerated and
 * how often to reconnect meanwhile, where snapshots for joining backups go, the replication connection, and the
 * VM's live recording ({@link RecordingTap}).
 */
public record PrimarySettings(RecordConfig record, int outputGateBytes, int inputBufferBytes, long maxBytesInFlight,
        Duration backupLossTimeout, Duration reconnectInterval, Path snapshotDir, ConnectionSettings connection,
        RecordingSettings recording) {
    public PrimarySettings {
        record = new RecordConfig(record.sliceInstructions(), record.digestInstructions(), true);
        if (outputGateBytes < 2 * OutputGate.SLACK) {
            throw new IllegalArgumentException("outputGateBytes " + outputGateBytes + " below " + 2 * OutputGate.SLACK);
        }
        if (recording == null) {
            throw new IllegalArgumentException("recording settings missing (use RecordingSettings.off())");
        }
        if (inputBufferBytes < 1 || maxBytesInFlight < 1) {
            throw new IllegalArgumentException("inputBufferBytes and maxBytesInFlight must be positive");
        }
        if (backupLossTimeout.isNegative() || backupLossTimeout.isZero() || reconnectInterval.isNegative()
                || reconnectInterval.isZero()) {
            throw new IllegalArgumentException("backupLossTimeout and reconnectInterval must be positive");
        }
    }

    /**
     * Defaults: 250,000-instruction slices, 64 KiB of held output, 64 KiB of input, 64 MiB in flight, a 1 s backup
     * loss timeout, live recordings in {@code recordings} next to {@code snapshotDir}, bounded by 256 MiB each.
     */
    public static PrimarySettings defaults(Path snapshotDir) {
        return new PrimarySettings(new RecordConfig(250_000, 50_000_000, true), 64 * 1024, 64 * 1024, 64L << 20,
                Duration.ofSeconds(1), Duration.ofMillis(100), snapshotDir, ConnectionSettings.defaults(),
                RecordingSettings.under(snapshotDir.resolveSibling("recordings")));
    }

    public PrimarySettings withBackupLossTimeout(Duration timeout) {
        return new PrimarySettings(record, outputGateBytes, inputBufferBytes, maxBytesInFlight, timeout,
                reconnectInterval, snapshotDir, connection, recording);
    }

    public PrimarySettings withConnection(ConnectionSettings c) {
        return new PrimarySettings(record, outputGateBytes, inputBufferBytes, maxBytesInFlight, backupLossTimeout,
                reconnectInterval, snapshotDir, c, recording);
    }

    /** Where live recordings go and their bound ({@link RecordingSettings#off()} for none). */
    public PrimarySettings withRecording(RecordingSettings r) {
        return new PrimarySettings(record, outputGateBytes, inputBufferBytes, maxBytesInFlight, backupLossTimeout,
                reconnectInterval, snapshotDir, connection, r);
    }
}
