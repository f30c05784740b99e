package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relays between the processes. Every ftd listens on its {@link Topology#bindAddress} and advertises its
 * {@link Topology#advertiseAddress}; for each port a host listens on (console and admin, known at start; replication
 * endpoints, published by backups in ZooKeeper under {@code endpoints/} and picked up within a few milliseconds) a
 * {@link DelayRelay} listens on the same port of the advertised address and forwards to the bound one. So the
 * replication data path (primary to backup and the ACKs back) and the clients' console traffic cross a relay whose
 * {@link Latency} a nemesis sets, without changing the product. A primary that looks up a fresh endpoint before its
 * relay exists gets "connection refused" and retries, as after any connection loss.
 */
public final class RelayFabric implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayFabric.class);

    private final Topology topology;
    private final Map<String, DelayRelay> relays = new ConcurrentHashMap<>();
    private final AtomicLong seeds;
    private volatile Latency latency = Latency.NONE;
    private volatile boolean closed;
    private Thread watcher;

    public RelayFabric(Topology topology, long seed) {
        this.topology = topology;
        this.seeds = new AtomicLong(seed);
    }

    /** Relays host {@code host}'s advertised address and {@code port} to its bound address and port (once). */
    public void relay(int host, int port) throws IOException {
        String key = topology.advertiseAddress(host) + ":" + port;
        if (relays.containsKey(key) || closed) {
            return;
        }
        synchronized (relays) {
            if (!relays.containsKey(key)) {
                relays.put(key, new DelayRelay(DelayRelay.address(topology.advertiseAddress(host), port),
                        DelayRelay.address(topology.bindAddress(host), port), () -> latency, topology::relaySource,
                        seeds.incrementAndGet()));
            }
        }
    }

    /**
     * Starts relaying every replication endpoint published under the cluster's {@code endpoints/} (read through the
     * harness's own client, with the cluster's credentials: endpoint records are readable by nobody else).
     */
    public void watchEndpoints(io.ftvm.coordinator.CoordinatorClient client) {
        io.ftvm.coordinator.EndpointDirectory endpoints = new io.ftvm.coordinator.EndpointDirectory(client);
        watcher = new Thread(() -> {
            while (!closed) {
                try {
                    for (io.ftvm.coordinator.Endpoint e : endpoints.list().values()) {
                        String a = e.address();
                        OptionalInt host = topology.hostAdvertisedAt(e.host());
                        try {
                            if (host.isPresent()) {
                                relay(host.getAsInt(), e.port());
                            }
                        } catch (IOException x) {
                            // the port is taken on the relay address (another run's relay, which forwards to the
                            // same port): the data path still works, without this run's latency
                            LOG.debug("no relay for {}: {}", a, x.toString());
                        }
                    }
                } catch (RuntimeException e) {
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
        for (DelayRelay r : relays.values()) {
            r.close();
        }
        relays.clear();
    }
}
