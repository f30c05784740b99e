package io.ftvm.node.daemon;

import java.nio.file.Path;

/**
 * One ftd host's configuration (one YAML file). Durations carry their unit in the key. Every value is checked here
 * (ranges, syntax); what needs the host (addresses that resolve, TLS files that parse) is checked by
 * {@link NodeConfigLoader#checkHost}.
 *
 * @param hostId              this host's id in the cluster (letters, digits, '-', '_', '.')
 * @param cluster             the cluster's name (its ZooKeeper namespace)
 * @param zookeeper           ZooKeeper connect string, e.g. {@code zk1:2181,zk2:2181,zk3:2181}
 * @param user                digest user that owns ftvm's znodes
 * @param password            its password
 * @param dataDir             where snapshots and working files go
 * @param imageDir            where VM images named by file are looked up (default: {@code <dataDir>/images}); a
 *                            VM's image is a built-in guest's name or a relative path inside this directory
 * @param bindAddress         the address the replication and console endpoints listen on
 * @param advertiseAddress    the address other hosts and clients use (default: bindAddress)
 * @param consolePort         the console endpoint's port (0: any free port; the registration says which)
 * @param capacityMib         memory this host offers to VMs (primaries and backups)
 * @param heartbeatIntervalMs replication heartbeat interval
 * @param peerTimeoutMs       the longest a replication peer may be silent before it is disconnected (however noisy
 *                            the link has been)
 * @param peerTimeoutMinMs    the shortest silence for which a replication peer is disconnected; between the two, each
 *                            connection's failure detector sets the limit from the jitter of the peer's heartbeats
 *                            (null: five heartbeat intervals, at least 50 ms, at most peerTimeoutMs)
 * @param backupLossTimeoutMs a primary whose backup stays disconnected this long goes unprotected
 * @param takeoverGraceMs     a backup whose primary stays disconnected this long takes over
 * @param sessionTimeoutMs    ZooKeeper session timeout
 * @param tls                 mutual TLS for replication, or null
 * @param adminPort           the admin endpoint's port (health, metrics), or null for none (0: any free port)
 * @param adminToken          the bearer token the admin endpoint requires (at least 16 characters)
 * @param recordingMaxMib     bound of each VM's live recording in MiB (0: no recordings; default 256)
 * @param zone                the failure domain (rack, room, site) this host shares with others, or null: a VM's
 *                            backup is never placed in its primary's zone
 * @param zookeeperTls        whether ftd talks to ZooKeeper over mutual TLS with the {@code tls} section's files
 *                            (default false: the ensemble must offer a secure client port); needs {@code tls}
 * @param bridge              the Linux bridge that protected VMs' NICs ({@code backend: bridge}) are attached to
 *                            through TAP devices, or null: such VMs are refused on this host
 */
public record NodeConfig(String hostId, String cluster, String zookeeper, String user, String password,
        Path dataDir, Path imageDir, String bindAddress, String advertiseAddress, int consolePort, long capacityMib,
        long heartbeatIntervalMs, long peerTimeoutMs, Long peerTimeoutMinMs, long backupLossTimeoutMs, long takeoverGraceMs,
        long sessionTimeoutMs, Tls tls, Integer adminPort, String adminToken,
        Long recordingMaxMib, String zone, boolean zookeeperTls, String bridge) {

    /** The most memory a host may offer: 16 TiB. */
    static final long MAX_CAPACITY_MIB = 16L << 20;
    /** The longest timeout or interval any key takes: 10 minutes. */
    static final long MAX_TIMEOUT_MS = 600_000;
    static final long MAX_HEARTBEAT_MS = 10_000;
    /**
     * ZooKeeper's client takes an int; servers clamp what they grant to [minSessionTimeout, maxSessionTimeout]
     * (by default 2 and 20 ticks, 4-40 s). More than 5 minutes is a mistake, and less than 1 s never works.
     */
    static final long MIN_SESSION_MS = 1_000;
    static final long MAX_SESSION_MS = 300_000;

    /** The shortest silence for which a replication peer is disconnected (the key, or its default). */
    public long effectivePeerTimeoutMinMs() {
        if (peerTimeoutMinMs != null) {
            return peerTimeoutMinMs;
        }
        return Math.min(peerTimeoutMs, Math.max(50, 5 * heartbeatIntervalMs));
    }

    /** Paths of the PEM files for mutual TLS. */
    public record Tls(Path certificate, Path privateKey, Path trustedCa) {
    }

    public NodeConfig {
        require(bridge == null || bridge.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}"), "bridge", bridge,
                "an interface name (1-15 letters, digits, '.', '_' or '-')");
        require(hostId != null && hostId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), "hostId", hostId,
                "1-64 letters, digits, '.', '_' or '-'");
        require(cluster != null && cluster.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), "cluster", cluster,
                "1-64 letters, digits, '.', '_' or '-'");
        require(zookeeper != null && !zookeeper.isBlank(), "zookeeper", zookeeper, "a connect string host:port[,...]");
        try {
            Addresses.connectString(zookeeper);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("zookeeper: '" + show(zookeeper) + "' is not a connect string "
                    + "host:port[,host:port...]: " + e.getMessage());
        }
        require(user != null && user.length() <= 256 && printable(user), "user", user,
                "a digest user name of 1-256 printable characters");
        require(password != null && password.length() >= 8 && password.length() <= 1024 && printable(password),
                "password", password == null ? null : "(hidden)", "at least 8 (at most 1024) printable characters");
        require(dataDir != null && !dataDir.toString().isEmpty(), "dataDir", null, "a directory");
        if (imageDir == null) {
            imageDir = dataDir.resolve("images");
        }
        requireHost("bindAddress", bindAddress);
        if (advertiseAddress == null || advertiseAddress.isBlank()) {
            require(!Addresses.isWildcard(bindAddress), "advertiseAddress", null, "an address others reach this "
                    + "host at, when bindAddress is " + bindAddress + " (every interface)");
            advertiseAddress = bindAddress;
        }
        requireHost("advertiseAddress", advertiseAddress);
        require(!Addresses.isWildcard(advertiseAddress), "advertiseAddress", advertiseAddress,
                "an address others reach this host at, not a wildcard");
        require(consolePort >= 0 && consolePort <= 65535, "consolePort", consolePort, "0-65535");
        require(capacityMib >= 1 && capacityMib <= MAX_CAPACITY_MIB, "capacityMib", capacityMib,
                "1-" + MAX_CAPACITY_MIB);
        require(heartbeatIntervalMs >= 1 && heartbeatIntervalMs <= MAX_HEARTBEAT_MS, "heartbeatIntervalMs",
                heartbeatIntervalMs, "1-" + MAX_HEARTBEAT_MS);
        require(peerTimeoutMs > heartbeatIntervalMs && peerTimeoutMs <= MAX_TIMEOUT_MS, "peerTimeoutMs",
                peerTimeoutMs, "longer than heartbeatIntervalMs (" + heartbeatIntervalMs + ") and at most "
                        + MAX_TIMEOUT_MS);
        if (peerTimeoutMinMs != null) {
            require(peerTimeoutMinMs > heartbeatIntervalMs && peerTimeoutMinMs <= peerTimeoutMs, "peerTimeoutMinMs",
                    peerTimeoutMinMs, "longer than heartbeatIntervalMs (" + heartbeatIntervalMs + ") and at most "
                            + "peerTimeoutMs (" + peerTimeoutMs + ")");
        }
        require(backupLossTimeoutMs >= 1 && backupLossTimeoutMs <= MAX_TIMEOUT_MS, "backupLossTimeoutMs",
                backupLossTimeoutMs, "1-" + MAX_TIMEOUT_MS);
        require(takeoverGraceMs >= 0 && takeoverGraceMs <= MAX_TIMEOUT_MS, "takeoverGraceMs", takeoverGraceMs,
                "0-" + MAX_TIMEOUT_MS);
        require(sessionTimeoutMs >= MIN_SESSION_MS && sessionTimeoutMs <= MAX_SESSION_MS, "sessionTimeoutMs",
                sessionTimeoutMs, MIN_SESSION_MS + "-" + MAX_SESSION_MS);
        if (adminPort != null) {
            require(adminPort >= 0 && adminPort <= 65535, "adminPort", adminPort, "0-65535");
            require(adminPort == 0 || adminPort != consolePort, "adminPort", adminPort,
                    "a port other than consolePort");
            require(adminToken != null && adminToken.length() >= 16 && adminToken.length() <= 1024
                    && adminToken.chars().allMatch(c -> c > 0x20 && c < 0x7f), "adminToken",
                    adminToken == null ? null : "(hidden)",
                    "at least 16 (at most 1024) printable ASCII characters without spaces when adminPort is set");
        }
        if (recordingMaxMib == null) {
            recordingMaxMib = 256L;
        }
        require(recordingMaxMib == 0 || recordingMaxMib >= 1 && recordingMaxMib <= 1024, "recordingMaxMib",
                recordingMaxMib, "0 (off) or 1-1024");
        require(zone == null || zone.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}"), "zone", zone,
                "1-128 letters, digits, '.', '_' or '-'");
        if (tls != null) {
            require(tls.certificate() != null && tls.privateKey() != null && tls.trustedCa() != null, "tls", "partial",
                    "all of certificate, privateKey and trustedCa");
        }
        require(!zookeeperTls || tls != null, "zookeeperTls", true,
                "false without a tls section: the ZooKeeper client uses the tls section's certificate, key and CA");
    }

    private static void requireHost(String key, String host) {
        require(host != null && !host.isBlank(), key, host, "an address");
        String problem = Addresses.hostProblem(host);
        if (problem != null) {
            throw new InvalidConfigException(key + ": '" + show(host) + "' is " + problem);
        }
    }

    private static boolean printable(String s) {
        return !s.isBlank() && s.chars().noneMatch(Character::isISOControl);
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new InvalidConfigException(key + ": " + (value == null ? "missing" : "'" + show(value)
                    + "' is invalid") + " (expected " + expected + ")");
        }
    }

    /** A value as messages quote it: control characters escaped, at most 80 characters. */
    static String show(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c)
                    : String.valueOf(c));
        }
        return b.length() < s.length() ? b + "..." : b.toString();
    }

    /**
     * A configuration value is missing or invalid; the message names the key. The message is always one line of
     * at most 500 characters (ftd prints it as it is).
     */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidConfigException(String message) {
            super(oneLine(message));
        }

        public InvalidConfigException(String message, Throwable cause) {
            super(oneLine(message), cause);
        }

        /** {@code message} with line breaks and other control characters turned into spaces, cut at 500. */
        static String oneLine(String message) {
            String s = String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ")
                    .replaceAll("\\p{Cntrl}", " ").strip();
            return s.length() <= 500 ? s : s.substring(0, 497) + "...";
        }
    }
}
