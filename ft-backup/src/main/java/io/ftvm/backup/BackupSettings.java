package io.ftvm.backup;

import io.ftvm.primary.PrimarySettings;
import io.ftvm.replication.ConnectionSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a backup runs: where it listens for its primary, the replication connection, where received snapshots go,
 * how much recent console output it keeps for clients, how long the primary may be disconnected before the backup
 * tries to take over, how long it waits for a primary to send it a snapshot, and how it runs once it is primary.
 */
public record BackupSettings(InetSocketAddress listen, ConnectionSettings connection, Path snapshotDir,
        int historyBytes, Duration takeoverGrace, Duration joinTimeout, PrimarySettings asPrimary) {
    public BackupSettings {
        if (historyBytes < 1) {
            throw new IllegalArgumentException("historyBytes must be positive: " + historyBytes);
        }
        if (takeoverGrace.isNegative() || joinTimeout.isNegative() || joinTimeout.isZero()) {
            throw new IllegalArgumentException("takeoverGrace must not be negative and joinTimeout must be positive");
        }
    }

    public BackupSettings withSnapshotDir(Path dir) {
        return new BackupSettings(listen, connection, dir, historyBytes, takeoverGrace, joinTimeout, asPrimary);
    }
}
