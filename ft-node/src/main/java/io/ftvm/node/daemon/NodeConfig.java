package io.ftvm.node.daemon;

import java.nio.file.Path;

/**
 * One ftd host's configuration (one YAML file). Durations carry their unit in the key.
 *
 * @param hostId              this host's id in the cluster (letters, digits, '-', '_', '.')
 * @param cluster             the cluster's name (its ZooKeeper namespace)
 * @param zookeeper           ZooKeeper connect string, e.g. {@code zk1:2181,zk2:2181,zk3:2181}
 * @param user                digest user that owns ftvm's znodes
 * @param password            its password
 * @param dataDir             where snapshots and working files go
 * @param bindAddress         the address the replication and console endpoints listen on
 * @param advertiseAddress    the address other hosts and clients use (default: bindAddress)
 * @param consolePort         the console endpoint's port (0: any free port; the registration says which)
 * @param capacityMib         memory this host offers to VMs (primaries and backups)
 * @param heartbeatIntervalMs replication heartbeat interval
 * @param peerTimeoutMs       a replication peer silent this long is disconnected
 * @param backupLossTimeoutMs a primary whose backup stays disconnected this long goes unprotected
 * @param takeoverGraceMs     a backup whose primary stays disconnected this long takes over
 * @param sessionTimeoutMs    ZooKeeper session timeout
 * @param tls                 mutual TLS for replication, or null
 * @param adminPort           the admin endpoint's port (health, metrics), or null for none (0: any free port)
 * @param adminToken          the bearer token the admin endpoint requires (at least 16 characters)
 * @param recordingMaxMib     bound of each VM's live recording in MiB (0: no recordings; default 256)
 * @param zone                the failure domain (rack, room, site) this host shares with others, or null: a VM's
 *                            backup is never placed in its primary's zone
 */
public record NodeConfig(String hostId, String cluster, String zookeeper, String user, String password,
        Path dataDir, String bindAddress, String advertiseAddress, int consolePort, long capacityMib,
        long heartbeatIntervalMs, long peerTimeoutMs, long backupLossTimeoutMs, long takeoverGraceMs,
        long sessionTimeoutMs, Tls tls, Integer adminPort, String adminToken,
        Long recordingMaxMib, String zone) {

    /** Paths of the PEM files for mutual TLS. */
    public record Tls(Path certificate, Path privateKey, Path trustedCa) {
    }

    public NodeConfig {
        require(hostId != null && hostId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), "hostId", hostId,
                "1-64 letters, digits, '.', '_' or '-'");
        require(cluster != null && cluster.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), "cluster", cluster,
                "1-64 letters, digits, '.', '_' or '-'");
        require(zookeeper != null && !zookeeper.isBlank(), "zookeeper", zookeeper, "a connect string host:port[,...]");
        require(user != null && !user.isBlank(), "user", user, "a digest user name");
        require(password != null && password.length() >= 8, "password", password == null ? null : "(hidden)",
                "at least 8 characters");
        require(dataDir != null, "dataDir", null, "a directory");
        require(bindAddress != null && !bindAddress.isBlank(), "bindAddress", bindAddress, "an address");
        if (advertiseAddress == null || advertiseAddress.isBlank()) {
            advertiseAddress = bindAddress;
        }
        require(consolePort >= 0 && consolePort <= 65535, "consolePort", consolePort, "0-65535");
        require(capacityMib >= 1, "capacityMib", capacityMib, "at least 1");
        require(heartbeatIntervalMs >= 1, "heartbeatIntervalMs", heartbeatIntervalMs, "at least 1");
        require(peerTimeoutMs > heartbeatIntervalMs, "peerTimeoutMs", peerTimeoutMs,
                "longer than heartbeatIntervalMs (" + heartbeatIntervalMs + ")");
        require(backupLossTimeoutMs >= 1, "backupLossTimeoutMs", backupLossTimeoutMs, "at least 1");
        require(takeoverGraceMs >= 0, "takeoverGraceMs", takeoverGraceMs, "0 or more");
        require(sessionTimeoutMs >= 1000, "sessionTimeoutMs", sessionTimeoutMs, "at least 1000");
        if (adminPort != null) {
            require(adminPort >= 0 && adminPort <= 65535, "adminPort", adminPort, "0-65535");
            require(adminToken != null && adminToken.length() >= 16, "adminToken",
                    adminToken == null ? null : "(hidden)", "at least 16 characters when adminPort is set");
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
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new InvalidConfigException(key + ": " + (value == null ? "missing" : "'" + value + "' is invalid")
                    + " (expected " + expected + ")");
        }
    }

    /** A configuration value is missing or invalid; the message names the key. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidConfigException(String message) {
            super(message);
        }

        public InvalidConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
