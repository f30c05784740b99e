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
 * connection loss with bounded exponential back-off. Lifecycle {@code LATENT → STARTED → CLOSED}; the other coordinator
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
    private Lifecycle lifecycle = Lifecycle.LATENT;

    public CoordinatorClient(CoordinatorConfig config) {
        this.config = config;
        this.paths = new ClusterPaths(config.clusterName());
        this.curator = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .namespace(paths.namespace())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
                .retryPolicy(new BoundedExponentialBackoffRetry((int) config.retryBaseSleep().toMillis(),
                        (int) config.retryMaxSleep().toMillis(), config.retryMaxAttempts()))
                .authorization("digest", config.credentials().authBytes())
                .aclProvider(new FtvmAcls(config.credentials(), config.worldReadable()))
                .ensembleTracker(false)
                .build();
        curator.getConnectionStateListenable().addListener(monitor);
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
                        + "' answered within " + config.connectionTimeout(), null);
            }
            ensure(ClusterPaths.HOSTS);
            ensure(ClusterPaths.VMS);
        } catch (InterruptedException e) {
            close();
            throw ZkErrors.translate(paths.full(""), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("coordinator connected to {} as cluster '{}' (session 0x{})", config.connectString(),
                config.clusterName(), Long.toHexString(sessionId()));
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
    }
}
