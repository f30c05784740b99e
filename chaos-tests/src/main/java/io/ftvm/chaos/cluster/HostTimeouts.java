package io.ftvm.chaos.cluster;

import java.time.Duration;

/**
 * The failure-detection settings every ftd of a run gets (NodeConfig's keys of the same names).
 *
 * @param heartbeat      replication heartbeat interval
 * @param peerTimeout    a silent replication peer is dropped after this
 * @param backupLoss     a primary whose backup stays away this long goes unprotected
 * @param takeoverGrace  a backup whose primary stays away this long takes over
 * @param session        ZooKeeper session timeout
 */
public record HostTimeouts(Duration heartbeat, Duration peerTimeout, Duration backupLoss, Duration takeoverGrace,
        Duration session) {
    public HostTimeouts {
        if (peerTimeout.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("peerTimeout " + peerTimeout + " must exceed heartbeat " + heartbeat);
        }
        if (session.toMillis() < 1000) {
            throw new IllegalArgumentException("session timeout " + session + " is below ZooKeeper's minimum 1 s");
        }
    }

    /** What the failover tests use: 20 ms heartbeats, 1 s peer timeout, 50 ms grace, 3 s sessions. */
    public static HostTimeouts defaults() {
        return new HostTimeouts(Duration.ofMillis(20), Duration.ofMillis(1000), Duration.ofMillis(1000),
                Duration.ofMillis(50), Duration.ofMillis(3000));
    }
}
