package io.ftvm.coordinator;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's registration: an ephemeral {@code hosts/<host>} znode holding its {@link HostInfo}, so it disappears
 * when the host's session ends (crash, partition longer than the session timeout). After a new session the
 * registration is re-created in the background. A node left by an earlier session of the same host (ftd restarted
 * within the session timeout) is waited out; a node held by another live session for longer than the session timeout
 * plus the connection timeout is a {@link HostIdConflictException}.
 */
public final class HostRegistry implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(HostRegistry.class);
    private static final long POLL_MS = 100;

    private final CoordinatorClient client;
    private final CuratorFramework curator;
    private final HostInfo info;
    private final String path;
    private final ExecutorService reRegister;
    private final ConnectionMonitor.Listener onNewSession;
    private volatile boolean closed;

    /** Registers {@code info}; returns once the znode exists. */
    public static HostRegistry register(CoordinatorClient client, HostInfo info) {
        HostRegistry registry = new HostRegistry(client, info);
        try {
            registry.createNode();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private HostRegistry(CoordinatorClient client, HostInfo info) {
        this.client = client;
        this.curator = client.curator();
        this.info = info;
        this.path = client.paths().host(info.hostId());
        this.reRegister = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ftvm-host-registry-" + info.hostId());
            t.setDaemon(true);
            return t;
        });
        this.onNewSession = event -> {
            if (event.newSession() && !closed) {
                reRegister.execute(this::reRegister);
            }
        };
        client.connection().addListener(onNewSession);
    }

    public HostInfo info() {
        return info;
    }

    /** True when the registration znode exists and belongs to this client's current session. */
    public boolean registered() {
        try {
            Stat stat = curator.checkExists().forPath(path);
            return stat != null && stat.getEphemeralOwner() == client.sessionId();
        } catch (Exception e) {
            return false;
        }
    }

    private void reRegister() {
        try {
            createNode();
            LOG.info("host {} registered again after a new ZooKeeper session", info.hostId());
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("host {} could not register again after a new ZooKeeper session", info.hostId(), e);
            }
        }
    }

    private void createNode() {
        byte[] data = client.codec().encodeHost(info);
        Duration patience = client.config().sessionTimeout().plus(client.config().connectionTimeout());
        long deadline = System.nanoTime() + patience.toNanos();
        while (!closed) {
            try {
                curator.create().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                LOG.info("host {} registered ({})", info.hostId(), info.address());
                return;
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = exists();
                if (stat == null) {
                    continue; // the old node just went away
                }
                if (stat.getEphemeralOwner() == client.sessionId()) {
                    return; // ours already (a retried create that had landed)
                }
                if (System.nanoTime() > deadline) {
                    throw new HostIdConflictException(info.hostId(), stat.getEphemeralOwner());
                }
                sleep();
            } catch (Exception e) {
                throw ZkErrors.translate(client.paths().full(path), e);
            }
        }
    }

    private Stat exists() {
        try {
            return curator.checkExists().forPath(path);
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(path), e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("interrupted while registering", e);
        }
    }

    /** Deletes the registration (if this session owns it) and stops re-registering. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.connection().removeListener(onNewSession);
        reRegister.shutdownNow();
        if (client.started()) {
            try {
                Stat stat = curator.checkExists().forPath(path);
                if (stat != null && stat.getEphemeralOwner() == client.sessionId()) {
                    curator.delete().withVersion(stat.getVersion()).forPath(path);
                }
            } catch (Exception e) {
                LOG.debug("host {}: registration not deleted on close ({}); it ends with the session", info.hostId(),
                        e.toString());
            }
        }
    }
}
