package io.ftvm.chaos.cluster;

import io.ftvm.coordinator.ClusterPaths;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relays between the processes. Every ftd listens on 127.0.0.1 and advertises {@value #ADVERTISED}; for each port
 * a host listens on (console and admin, known at start; replication endpoints, published by backups in ZooKeeper under
 * {@code endpoints/} and picked up within a few milliseconds) a {@link LoopbackRelay} listens on the same port of
 * {@value #ADVERTISED} and forwards to 127.0.0.1. So the replication data path (primary to backup and the ACKs back)
 * and the clients' console traffic cross a relay whose {@link Latency} a nemesis sets, without changing the product.
 * A primary that looks up a fresh endpoint before its relay exists gets "connection refused" and retries, as after
 * any connection loss.
 */
public final class RelayFabric implements AutoCloseable {
    /** The address every host advertises (another loopback address: Linux routes all of 127/8 to lo). */
    public static final String ADVERTISED = "127.0.0.2";
    private static final Logger LOG = LoggerFactory.getLogger(RelayFabric.class);

    private final Map<Integer, LoopbackRelay> relays = new ConcurrentHashMap<>();
    private final AtomicLong seeds;
    private volatile Latency latency = Latency.NONE;
    private volatile boolean closed;
    private Thread watcher;

    public RelayFabric(long seed) {
        this.seeds = new AtomicLong(seed);
    }

    /** Relays {@value #ADVERTISED}:port to 127.0.0.1:port (once per port). */
    public void relay(int port) throws IOException {
        if (relays.containsKey(port) || closed) {
            return;
        }
        synchronized (relays) {
            if (!relays.containsKey(port)) {
                relays.put(port, new LoopbackRelay(LoopbackRelay.address(ADVERTISED, port),
                        LoopbackRelay.address("127.0.0.1", port), () -> latency, seeds.incrementAndGet()));
            }
        }
    }

    /**
     * Starts relaying every replication endpoint published under the cluster's {@code endpoints/} (read with a
     * Curator client of its own: endpoint znodes are readable by anyone).
     */
    public void watchEndpoints(String connectString, String cluster) {
        CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connectString)
                .namespace(new ClusterPaths(cluster).namespace()).sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(3, 100)).build();
        zk.start();
        watcher = new Thread(() -> {
            while (!closed) {
                try {
                    List<String> children = zk.getChildren().forPath("/endpoints");
                    for (String c : children) {
                        byte[] data = zk.getData().forPath("/endpoints/" + c);
                        String a = new String(data, StandardCharsets.UTF_8);
                        try {
                            relay(Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)));
                        } catch (IOException e) {
                            // the port is taken on the relay address (another run's relay, which forwards to the
                            // same 127.0.0.1 port): the data path still works, without this run's latency
                            LOG.debug("no relay for {}: {}", a, e.toString());
                        }
                    }
                } catch (KeeperException.NoNodeException e) {
                    // nothing published yet, or the endpoint went away meanwhile
                } catch (Exception e) {
                    if (!closed) {
                        LOG.debug("endpoint watch: {}", e.toString());
                    }
                }
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    break;
                }
            }
            zk.close();
        }, "relay-endpoint-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Sets the latency every relay adds from now on (chunks already queued keep theirs). */
    public void setLatency(Latency l) {
        latency = l;
    }

    public Latency latency() {
        return latency;
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        for (LoopbackRelay r : relays.values()) {
            r.close();
        }
        relays.clear();
    }
}
