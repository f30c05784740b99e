package io.ftvm.replication;

import java.time.Duration;

/**
 * How one end of the log stream connects: the largest frame accepted, how often heartbeats go out and how long a
 * silent peer is tolerated, how many entries one batch carries, mutual TLS (null for plain TCP), and the host-wide
 * {@link Framing.Stats} every endpoint's counters are also added to (null for none).
 */
public record ConnectionSettings(int maxFrame, Duration heartbeatInterval, Duration peerTimeout, int batchEntries,
        TlsConfig tls, Framing.Stats hostStats) {
    /** Default heartbeat interval and peer timeout. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    public static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
    /** Default largest batch. */
    public static final int BATCH_ENTRIES = 1024;
    /** Smallest frame limit that still carries a handshake and a snapshot chunk. */
    public static final int MIN_FRAME = SnapshotSender.CHUNK_BYTES + 1024;

    public ConnectionSettings {
        if (maxFrame < MIN_FRAME) {
            throw new IllegalArgumentException("maximum frame " + maxFrame + " bytes is below the minimum " + MIN_FRAME);
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                || peerTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("heartbeat interval " + heartbeatInterval
                    + " must be positive and shorter than the peer timeout " + peerTimeout);
        }
        if (batchEntries < 1 || batchEntries > WireMapper.MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException("batch size " + batchEntries + " entries out of range 1.."
                    + WireMapper.MAX_BATCH_ENTRIES);
        }
    }

    /** Plain TCP with the defaults. */
    public static ConnectionSettings defaults() {
        return new ConnectionSettings(Framing.DEFAULT_MAX_FRAME, HEARTBEAT_INTERVAL, PEER_TIMEOUT, BATCH_ENTRIES, null,
                null);
    }

    public ConnectionSettings withTls(TlsConfig config) {
        return new ConnectionSettings(maxFrame, heartbeatInterval, peerTimeout, batchEntries, config, hostStats);
    }

    public ConnectionSettings withHeartbeat(Duration interval, Duration timeout) {
        return new ConnectionSettings(maxFrame, interval, timeout, batchEntries, tls, hostStats);
    }

    public ConnectionSettings withMaxFrame(int bytes) {
        return new ConnectionSettings(bytes, heartbeatInterval, peerTimeout, batchEntries, tls, hostStats);
    }

    /** These settings, with every endpoint's counters also added to {@code stats}. */
    public ConnectionSettings withHostStats(Framing.Stats stats) {
        return new ConnectionSettings(maxFrame, heartbeatInterval, peerTimeout, batchEntries, tls, stats);
    }
}
