package io.ftvm.chaos.nemesis;

/** The faults a run injects. */
public enum FaultKind {
    /** SIGKILL of a VM's primary host, restarted as a spare after a while. */
    KILL_PRIMARY,
    /**
     * SIGKILL of the ZooKeeper leader and, at once, of a VM's primary host: the backup must take over while the
     * ensemble elects a new leader (its CAS is retried until ZooKeeper answers).
     */
    KILL_PRIMARY_AND_ZK_LEADER,
    /** SIGKILL of a VM's backup host, restarted after a while. */
    KILL_BACKUP,
    /** SIGSTOP/SIGCONT of any host for 0.2-2.5 s (a GC pause; long ones outlast the replication peer timeout). */
    PAUSE,
    /** SIGSTOP of a VM's primary or backup host past its ZooKeeper session timeout, then SIGCONT. */
    SESSION_EXPIRY,
    /** SIGKILL of the ZooKeeper ensemble's leader, restarted after a while. */
    ZK_LEADER_KILL,
    /** Latency and jitter on every relay (replication data path and consoles) for a few seconds. */
    LATENCY,
    /** A VM's backup host stopped two thirds of the time for a few seconds (throttled replay). */
    SLOW_BACKUP,
    /** A VM's primary and backup hosts cut from each other (both still reach ZooKeeper) for a few seconds. */
    PARTITION_PAIR,
    /** A VM's primary or backup host cut from every ZooKeeper server for 1-7 s (its session may expire). */
    PARTITION_ZOOKEEPER,
    /** A VM's primary host cut from every other host and from ZooKeeper (clients still reach it) for 2-6 s. */
    ISOLATE_PRIMARY,
    /** A VM's primary or backup host drops 5-30 % of its packets, in and out, for 3-8 s. */
    PACKET_LOSS;

    /** The summary's key: {@code faults_kill_primary}. */
    public String key() {
        return "faults_" + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this fault needs a {@link io.ftvm.chaos.cluster.Firewall} (hosts in network namespaces). */
    public boolean network() {
        return this == PARTITION_PAIR || this == PARTITION_ZOOKEEPER || this == ISOLATE_PRIMARY
                || this == PACKET_LOSS;
    }

    /** The kinds that need no network namespaces. */
    public static java.util.List<FaultKind> processLevel() {
        return java.util.Arrays.stream(values()).filter(k -> !k.network()).toList();
    }

    /** Whether this fault kills an ftd process (counted against {@code --kills}). */
    public boolean kills() {
        return this == KILL_PRIMARY || this == KILL_BACKUP || this == KILL_PRIMARY_AND_ZK_LEADER;
    }
}
