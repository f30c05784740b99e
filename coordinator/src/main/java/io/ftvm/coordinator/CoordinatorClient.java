package io.ftvm.coordinator;

import java.io.Closeable;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's connection to the cluster's ZooKeeper state: a Curator client namespaced to {@code /ftvm/<cluster>},
 * authenticated with the cluster's digest credentials, creating every znode with {@link FtvmAcls}, retrying on
 * connection loss with bounded exponential back-off, over mutual TLS when the config has {@link ZooKeeperTls} (its
 * own {@link org.apache.zookeeper.client.ZKClientConfig}, see {@link ZooKeeperClientTls}). Lifecycle {@code LATENT → STARTED → CLOSED}; the other coordinator
 * classes take a started client.
 */
public final class CoordinatorClient implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorClient.class);

    enum Lifecycle {
        LATENT,
        STARTED,
        CLOSED
    }

    private final CoordinatorConfig config;
    private final ClusterPaths paths;
    private final RecordCodec codec = new RecordCodec();
    private final ConnectionMonitor monitor = new ConnectionMonitor();
    private final CuratorFramework curator;
    /** The TLS settings and their key store file, or null for a plain connection. */
    private final ZooKeeperClientTls tls;
    private Lifecycle lifecycle = Lifecycle.LATENT;

    /**
     * @throws IllegalArgumentException if the config names ZooKeeper TLS files that cannot be used (naming them)
     */
    public CoordinatorClient(CoordinatorConfig config) {
        this.config = config;
        this.paths = new ClusterPaths(config.clusterName());
        this.tls = config.zooKeeperTls() == null ? null : ZooKeeperClientTls.open(config.zooKeeperTls());
        try {
            this.curator = curator(config, paths, tls);
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
        curator.getConnectionStateListenable().addListener(monitor);
    }

    private static CuratorFramework curator(CoordinatorConfig config, ClusterPaths paths, ZooKeeperClientTls tls) {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .namespace(paths.namespace())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
                .retryPolicy(new BoundedExponentialBackoffRetry((int) config.retryBaseSleep().toMillis(),
                        (int) config.retryMaxSleep().toMillis(), config.retryMaxAttempts()))
                .authorization("digest", config.credentials().authBytes())
                .aclProvider(new FtvmAcls(config.credentials(), config.worldReadable()))
                .ensembleTracker(false);
        if (tls != null) {
            b.zkClientConfig(tls.clientConfig());
        }
        return b.build();
    }

    /**
     * Connects (waiting at most the connection timeout) and makes sure {@code hosts} and {@code vms} exist.
     *
     * @throws CoordinatorUnavailableException if no server answered in time
     * @throws CoordinatorAccessDeniedException if the cluster root exists and the credentials may not write there
     */
    public synchronized CoordinatorClient start() {
        if (lifecycle != Lifecycle.LATENT) {
            throw new IllegalStateException("coordinator client is " + lifecycle);
        }
        lifecycle = Lifecycle.STARTED;
        curator.start();
        try {
            if (!curator.blockUntilConnected((int) config.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new CoordinatorUnavailableException("no ZooKeeper server of '" + config.connectString()
                        + "' answered within " + config.connectionTimeout() + (tls == null ? ""
                        : " over TLS (is it the secure client port, and does the server's certificate name its "
                        + "address and chain to the trusted CA?)"), null);
            }
            ensure(ClusterPaths.HOSTS);
            ensure(ClusterPaths.VMS);
            ensure(ClusterPaths.DRAINED);
        } catch (InterruptedException e) {
            close();
            throw ZkErrors.translate(paths.full(""), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("coordinator connected to {}{} as cluster '{}' (session 0x{})", config.connectString(),
                tls == null ? " (plain text)" : " over TLS", config.clusterName(), Long.toHexString(sessionId()));
        return this;
    }

    private void ensure(String path) {
        try {
            if (curator.checkExists().forPath(path) == null) {
                curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, new byte[0]);
            }
        } catch (KeeperException.NodeExistsException raced) {
            // another host created it first
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(path), e);
        }
    }

    CuratorFramework curator() {
        return curator;
    }

    /**
     * Unless the config makes the cluster world-readable, takes world read access away from every znode of the
     * cluster (and {@code /ftvm}) that still grants it, as znodes created by earlier versions do; returns what it
     * did (nothing when the config makes the cluster world-readable).
     *
     * @throws CoordinatorException when ZooKeeper cannot be read
     */
    public AclRepair.Report enforceAcls() {
        if (config.worldReadable()) {
            return new AclRepair.Report(0, 0, java.util.List.of());
        }
        try {
            return new AclRepair(curator, new FtvmAcls(config.credentials(), false)).tighten(paths.full(""));
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(""), e);
        }
    }

    public CoordinatorConfig config() {
        return config;
    }

    public ClusterPaths paths() {
        return paths;
    }

    RecordCodec codec() {
        return codec;
    }

    public ConnectionMonitor connection() {
        return monitor;
    }

    /** The current ZooKeeper session id (0 when not connected). */
    public long sessionId() {
        try {
            return curator.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    synchronized boolean started() {
        return lifecycle == Lifecycle.STARTED;
    }

    @Override
    public synchronized void close() {
        if (lifecycle == Lifecycle.CLOSED) {
            return;
        }
        lifecycle = Lifecycle.CLOSED;
        curator.close();
        if (tls != null) {
            tls.close();
        }
    }
}
