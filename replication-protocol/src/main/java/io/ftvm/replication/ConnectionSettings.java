package io.ftvm.replication;

import java.time.Duration;

/**
 * How one end of the log stream connects: the largest frame accepted, how often heartbeats go out and how long a
 * silent peer is tolerated (between {@code minPeerTimeout} and {@code peerTimeout}, as the connection's
 * {@link FailureDetector} learns the link's jitter; both equal: a fixed timeout), how many entries one batch carries,
 * mutual TLS (null for plain TCP), and the host-wide {@link Framing.Stats} every endpoint's counters are also added
 * to (null for none).
 */
public record ConnectionSettings(int maxFrame, Duration heartbeatInterval, Duration minPeerTimeout,
        Duration peerTimeout, int batchEntries, TlsConfig tls, Framing.Stats hostStats) {
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
                || minPeerTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("heartbeat interval " + heartbeatInterval
                    + " must be positive and shorter than the peer timeout " + minPeerTimeout);
        }
        if (peerTimeout.compareTo(minPeerTimeout) < 0) {
            throw new IllegalArgumentException("the longest peer timeout " + peerTimeout + " is shorter than the "
                    + "shortest " + minPeerTimeout);
        }
        if (batchEntries < 1 || batchEntries > WireMapper.MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException("batch size " + batchEntries + " entries out of range 1.."
                    + WireMapper.MAX_BATCH_ENTRIES);
        }
    }

    /** Plain TCP with the defaults. */
    public static ConnectionSettings defaults() {
        return new ConnectionSettings(Framing.DEFAULT_MAX_FRAME, HEARTBEAT_INTERVAL, PEER_TIMEOUT, PEER_TIMEOUT,
                BATCH_ENTRIES, null, null);
    }

    public ConnectionSettings withTls(TlsConfig config) {
        return new ConnectionSettings(maxFrame, heartbeatInterval, minPeerTimeout, peerTimeout, batchEntries, config,
                hostStats);
    }

    /** Heartbeats every {@code interval}, a peer silent for {@code timeout} dropped (a fixed timeout). */
    public ConnectionSettings withHeartbeat(Duration interval, Duration timeout) {
        return new ConnectionSettings(maxFrame, interval, timeout, timeout, batchEntries, tls, hostStats);
    }

    /**
     * Heartbeats every {@code interval}; a silent peer dropped after what the failure detector learned of the link,
     * never sooner than {@code floor} nor later than {@code ceiling}.
     */
    public ConnectionSettings withFailureDetector(Duration interval, Duration floor, Duration ceiling) {
        return new ConnectionSettings(maxFrame, interval, floor, ceiling, batchEntries, tls, hostStats);
    }

    /** A new connection's liveness tracking (its own failure detector). */
    public Liveness newLiveness(java.util.function.LongSupplier nanoClock) {
        return new Liveness(heartbeatInterval, new FailureDetector(heartbeatInterval, minPeerTimeout, peerTimeout),
                nanoClock);
    }

    public ConnectionSettings withMaxFrame(int bytes) {
        return new ConnectionSettings(bytes, heartbeatInterval, minPeerTimeout, peerTimeout, batchEntries, tls, hostStats);
    }

    /** These settings, with every endpoint's counters also added to {@code stats}. */
    public ConnectionSettings withHostStats(Framing.Stats stats) {
        return new ConnectionSettings(maxFrame, heartbeatInterval, minPeerTimeout, peerTimeout, batchEntries, tls, stats);
    }
}
