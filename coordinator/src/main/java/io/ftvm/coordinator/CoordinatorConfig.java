package io.ftvm.coordinator;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the coordinator needs, validated once here with messages that name the key and the bad value.
 *
 * @param connectString        ZooKeeper ensemble, {@code host:port[,host:port...]} (no chroot: ftvm adds its own)
 * @param clusterName          names the cluster's root {@code /ftvm/<clusterName>}; one ensemble can hold several
 * @param credentials          the digest identity shared by this cluster's hosts
 * @param sessionTimeout       ZooKeeper session timeout: how long after losing contact a host counts as dead
 * @param connectionTimeout    how long one connection attempt (and {@link CoordinatorClient#start()}) may take
 * @param retryBaseSleep       first back-off of Curator's retry policy on connection loss
 * @param retryMaxSleep        longest back-off
 * @param retryMaxAttempts     retries of one operation before it fails with {@link CoordinatorUnavailableException}
 * @param worldReadable        whether anyone may read ftvm's znodes (off by default: {@code ftctl} reads through
 *                             an ftd; endpoint znodes, which carry pair keys, are never world-readable); writes always
 *                             need the credentials
 * @param managerRetryInterval how often the cluster manager re-examines VMs it could not place
 * @param zooKeeperTls         mutual TLS to ZooKeeper's secure client port, or null for a plain connection (the
 *                             digest credentials then travel in clear)
 */
public record CoordinatorConfig(String connectString, String clusterName, Credentials credentials,
                                Duration sessionTimeout, Duration connectionTimeout, Duration retryBaseSleep,
                                Duration retryMaxSleep, int retryMaxAttempts, boolean worldReadable,
                                Duration managerRetryInterval, ZooKeeperTls zooKeeperTls) {

    public CoordinatorConfig {
        if (connectString == null || connectString.isBlank() || connectString.contains("/")) {
            throw new IllegalArgumentException("coordinator.connectString must be host:port[,host:port...] without a "
                    + "chroot, was '" + connectString + "'");
        }
        try {
            HostInfo.checkId("coordinator.clusterName", clusterName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Objects.requireNonNull(credentials, "coordinator.user/coordinator.password");
        positive("coordinator.sessionTimeout", sessionTimeout);
        positive("coordinator.connectionTimeout", connectionTimeout);
        positive("coordinator.retryBaseSleep", retryBaseSleep);
        positive("coordinator.retryMaxSleep", retryMaxSleep);
        positive("coordinator.managerRetryInterval", managerRetryInterval);
        if (retryMaxSleep.compareTo(retryBaseSleep) < 0) {
            throw new IllegalArgumentException("coordinator.retryMaxSleep (" + retryMaxSleep
                    + ") must be >= coordinator.retryBaseSleep (" + retryBaseSleep + ")");
        }
        if (retryMaxAttempts < 0 || retryMaxAttempts > 29) {
            throw new IllegalArgumentException("coordinator.retryMaxAttempts must be 0..29, was " + retryMaxAttempts);
        }
        if (sessionTimeout.toMillis() > Integer.MAX_VALUE || connectionTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("coordinator timeouts must be below 2^31 ms");
        }
    }

    /**
     * Defaults for production: 10 s session, 5 s connection timeout, back-off 100 ms to 2 s over 10 retries,
     * znodes readable only with the cluster's credentials, manager retry every 5 s, no TLS.
     */
    public static CoordinatorConfig of(String connectString, String clusterName, Credentials credentials) {
        return new CoordinatorConfig(connectString, clusterName, credentials, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(2), 10, false, Duration.ofSeconds(5),
                null);
    }

    public CoordinatorConfig withTimeouts(Duration session, Duration connection) {
        return new CoordinatorConfig(connectString, clusterName, credentials, session, connection, retryBaseSleep,
                retryMaxSleep, retryMaxAttempts, worldReadable, managerRetryInterval, zooKeeperTls);
    }

    public CoordinatorConfig withRetry(Duration baseSleep, Duration maxSleep, int maxAttempts) {
        return new CoordinatorConfig(connectString, clusterName, credentials, sessionTimeout, connectionTimeout,
                baseSleep, maxSleep, maxAttempts, worldReadable, managerRetryInterval, zooKeeperTls);
    }

    public CoordinatorConfig withCredentials(Credentials other) {
        return new CoordinatorConfig(connectString, clusterName, other, sessionTimeout, connectionTimeout,
                retryBaseSleep, retryMaxSleep, retryMaxAttempts, worldReadable, managerRetryInterval, zooKeeperTls);
    }

    public CoordinatorConfig withWorldReadable(boolean readable) {
        return new CoordinatorConfig(connectString, clusterName, credentials, sessionTimeout, connectionTimeout,
                retryBaseSleep, retryMaxSleep, retryMaxAttempts, readable, managerRetryInterval, zooKeeperTls);
    }

    public CoordinatorConfig withManagerRetryInterval(Duration interval) {
        return new CoordinatorConfig(connectString, clusterName, credentials, sessionTimeout, connectionTimeout,
                retryBaseSleep, retryMaxSleep, retryMaxAttempts, worldReadable, interval, zooKeeperTls);
    }

    /** The same config connecting with mutual TLS ({@code tls}), or in plain text when {@code tls} is null. */
    public CoordinatorConfig withZooKeeperTls(ZooKeeperTls tls) {
        return new CoordinatorConfig(connectString, clusterName, credentials, sessionTimeout, connectionTimeout,
                retryBaseSleep, retryMaxSleep, retryMaxAttempts, worldReadable, managerRetryInterval, tls);
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
        }
    }
}
