package io.ftvm.chaos.cluster;

import io.ftvm.coordinator.CoordinatorClient;
import io.ftvm.coordinator.CoordinatorConfig;
import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.HostMembership;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.replication.console.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The whole system under test: the ZooKeeper ensemble, {@code n} ftd hosts ({@code host-1} ...), the relays between
 * them, and the harness's own ZooKeeper view (VM records, live hosts) for creating VMs and waiting on their state.
 */
public final class ChaosCluster implements AutoCloseable {
    private final Path dir;
    private final ClusterIdentity identity = ClusterIdentity.chaos();
    /** The run's throwaway cluster CA: the hosts run mutual TLS, as in production. */
    private final io.ftvm.replication.ClusterPki pki = io.ftvm.replication.ClusterPki.create("ftvm chaos CA");
    private final ProcessReaper reaper = new ProcessReaper();
    private final Topology topology;
    private final ZooKeeperEnsemble ensemble;
    private final RelayFabric fabric;
    private final Map<String, FtdHost> hosts = new LinkedHashMap<>();
    private CoordinatorClient client;
    private VmRecords records;
    private HostMembership membership;

    /** A cluster on {@code topology}, which it closes when it is closed itself. */
    public ChaosCluster(Path dir, Topology topology, long seed) {
        this.dir = dir;
        this.topology = topology;
        try {
            this.ensemble = new ZooKeeperEnsemble(dir, reaper, topology);
            this.fabric = new RelayFabric(topology, seed);
        } catch (RuntimeException e) {
            reaper.close();
            topology.close();
            throw e;
        }
    }

    /** Starts the ensemble and {@code n} hosts; returns once all hosts registered (or throws after 90 s). */
    public ChaosCluster start(int n, HostTimeouts timeouts) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        ensemble.start();
        client = new CoordinatorClient(CoordinatorConfig.of(ensemble.connectString(), identity.name(),
                identity.credentials())).start();
        records = new VmRecords(client);
        membership = new HostMembership(client).start();
        fabric.watchEndpoints(client);
        for (int i = 1; i <= n; i++) {
            FtdHost h = new FtdHost(i, topology, dir, reaper, identity, ensemble.connectString(), timeouts,
                    pki.issue(dir.resolve("pki"), "host-" + i, java.util.stream.Stream.of(topology.advertiseAddress(i),
                            topology.bindAddress(i)).distinct().toList(),
                            java.time.Duration.ofDays(30)));
            fabric.relay(i, h.consolePort());
            fabric.relay(i, h.adminPort());
            hosts.put(h.id(), h);
            h.start();
        }
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (membership.liveHosts().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + membership.liveHosts().keySet() + " registered in 90 s; "
                        + "logs in " + dir);
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** Creates {@code vmId} running {@code image}, protected, and starts it on {@code hostId}. */
    public void createVm(String vmId, String image, long memoryMib, String hostId) {
        VersionedState s = records.create(vmId, new VmSpec(image, memoryMib, List.of("console"),
                DesiredProtection.PROTECTED));
        records.transition(s, new Transition.Start(hostId));
    }

    /** The VM's record, or empty while ZooKeeper cannot be read. */
    public Optional<VersionedState> state(String vmId) {
        try {
            return Optional.of(records.state(vmId));
        } catch (CoordinatorException e) {
            return Optional.empty();
        }
    }

    /** Waits (up to {@code timeout}) until {@code check} holds for the VM's record; the last record read, if it held. */
    public Optional<VersionedState> await(String vmId, Predicate<VersionedState> check, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<VersionedState> s = state(vmId);
            if (s.isPresent() && check.test(s.get())) {
                return s;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    /** Every host's console endpoint as clients use it (through the relays). */
    public List<Endpoint> consoles() {
        List<Endpoint> out = new ArrayList<>();
        for (FtdHost h : hosts.values()) {
            out.add(new Endpoint(h.advertiseAddress(), h.consolePort()));
        }
        return out;
    }

    public FtdHost host(String hostId) {
        FtdHost h = hosts.get(hostId);
        if (h == null) {
            throw new IllegalArgumentException("no host " + hostId);
        }
        return h;
    }

    public List<FtdHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /** Whether ZooKeeper currently lists {@code hostId} as live (its session is open). */
    public boolean registered(String hostId) {
        return membership.liveHosts().containsKey(hostId);
    }

    public ZooKeeperEnsemble ensemble() {
        return ensemble;
    }

    public RelayFabric fabric() {
        return fabric;
    }

    public Topology topology() {
        return topology;
    }

    /** A client of the hosts' TLS endpoints (admin, console): trusts the cluster CA, proves itself by token. */
    public io.ftvm.replication.ClientTls clientTls() {
        try {
            return io.ftvm.replication.ClientTls.trusting(pki.writeCaCertificate(dir.resolve("pki").resolve("ca.pem")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ClusterIdentity identity() {
        return identity;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            fabric.setLatency(Latency.NONE);
            for (FtdHost h : hosts.values()) {
                h.resume();
            }
            if (membership != null) {
                membership.close();
            }
            if (client != null) {
                client.close();
            }
        } finally {
            fabric.close();
            reaper.close();
            topology.close();
        }
    }
}
