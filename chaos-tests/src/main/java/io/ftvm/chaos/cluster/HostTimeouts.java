package io.ftvm.chaos.cluster;

import java.time.Duration;

/**
 * The failure-detection settings every ftd of a run gets (NodeConfig's keys of the same names).
 *
 * @param heartbeat      replication heartbeat interval
 * @param peerTimeoutMin the shortest silence for which a replication peer is dropped (the failure detector's floor)
 * @param peerTimeout    the longest: a silent replication peer is dropped after this whatever the link's jitter
 * @param backupLoss     a primary whose backup stays away this long goes unprotected
 * @param takeoverGrace  a backup whose primary stays away this long takes over
 * @param session        ZooKeeper session timeout
 */
public record HostTimeouts(Duration heartbeat, Duration peerTimeoutMin, Duration peerTimeout, Duration backupLoss,
        Duration takeoverGrace, Duration session) {
    public HostTimeouts {
        if (peerTimeoutMin.compareTo(heartbeat) <= 0 || peerTimeout.compareTo(peerTimeoutMin) < 0) {
            throw new IllegalArgumentException("peer timeouts " + peerTimeoutMin + ".." + peerTimeout
                    + " must exceed the heartbeat " + heartbeat + " and be in order");
        }
        if (session.toMillis() < 1000) {
            throw new IllegalArgumentException("session timeout " + session + " is below ZooKeeper's minimum 1 s");
        }
    }

    /**
     * What the failover tests use: 10 ms heartbeats, a silent peer dropped after 100 ms to 1 s as its link's jitter
     * warrants, 50 ms grace after a broken connection, 3 s sessions.
     */
    public static HostTimeouts defaults() {
        return new HostTimeouts(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(1000),
                Duration.ofMillis(1000), Duration.ofMillis(50), Duration.ofMillis(3000));
    }
}
