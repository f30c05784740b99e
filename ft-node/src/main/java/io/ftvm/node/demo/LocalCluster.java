package io.ftvm.node.demo;

import io.ftvm.coordinator.CoordinatorClient;
import io.ftvm.coordinator.CoordinatorConfig;
import io.ftvm.coordinator.Credentials;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.HostMembership;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
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

/**
 * A cluster on this machine: an embedded ZooKeeper and {@code n} ftd processes (host-1 ... host-n), each with its
 * own YAML config, data directory and log file under {@code dir}. Hosts can be killed with SIGKILL and restarted.
 * Used by the demo and by the failover tests.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String CLUSTER = "demo";
    static final Credentials CREDENTIALS = new Credentials("ftvm", "demo-secret");

    private final Signals signals = new Signals();
    private final Path dir;
    private final EmbeddedZooKeeper zookeeper;
    private final CoordinatorClient client;
    private final VmRecords records;
    private final HostMembership membership;
    /** The ftd processes by host; guarded by itself (the shutdown hook reads it from another thread). */
    private final Map<String, Process> hosts = new LinkedHashMap<>();
    /** Stops the ftd processes when this JVM is ended by a signal before {@link #close()} (no orphaned hosts). */
    private final Thread reaper = new Thread(this::stopHosts, "local-cluster-reaper");
    /** Set (under {@code hosts}) once the hosts are being stopped: no host starts after that. */
    private boolean stopping;
    /** Each host keeps its console port across restarts, so clients' endpoint lists stay valid. */
    private final Map<String, Integer> consolePorts = new LinkedHashMap<>();
    private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
    /** The cluster's throwaway CA: every host gets a certificate naming it (mutual TLS is on, as in production). */
    private final io.ftvm.replication.ClusterPki pki = io.ftvm.replication.ClusterPki.create("ftvm local cluster CA");
    private final Map<String, io.ftvm.replication.TlsConfig> certificates = new LinkedHashMap<>();
    /** The bearer token of every host's admin endpoint (health, metrics). */
    public static final String ADMIN_TOKEN = "local-cluster-admin-token";
    private final List<String> extraConfig;

    /**
     * Starts ZooKeeper and {@code n} hosts; returns when all have registered (or throws after 90 s, having stopped
     * everything it started).
     */
    public LocalCluster(Path dir, int n) throws Exception {
        this(dir, n, List.of());
    }

    /**
     * A cluster of {@code n} hosts whose ftd.yaml files also hold {@code extraConfig} (lines such as
     * {@code bridge: br0} or {@code imageDir: /path}).
     */
    public LocalCluster(Path dir, int n, List<String> extraConfig) throws Exception {
        this.extraConfig = List.copyOf(extraConfig);
        this.dir = Files.createDirectories(dir);
        this.zookeeper = new EmbeddedZooKeeper(dir.resolve("zookeeper"));
        this.client = new CoordinatorClient(CoordinatorConfig.of(zookeeper.connectString(), CLUSTER, CREDENTIALS))
                .start();
        this.records = new VmRecords(client);
        this.membership = new HostMembership(client).start();
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            for (int i = 1; i <= n; i++) {
                start("host-" + i);
            }
            long deadline = System.nanoTime() + 90_000_000_000L;
            Map<String, Integer> restarts = new LinkedHashMap<>();
            while (membership.liveHosts().size() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + membership.liveHosts().keySet() + " registered within "
                            + "90 s; see the logs in " + dir);
                }
                restartHostsThatDiedStarting(restarts);
                Thread.sleep(50);
            }
        } catch (Exception | Error e) {
            close(); // no ftd process outlives a cluster that did not come up
            throw e;
        }
    }

    /**
     * A port picked free can be taken by another process before ftd binds it (ftd then exits: "cannot listen"). A
     * host whose process ended before it registered is started again on fresh ports, at most twice.
     */
    private void restartHostsThatDiedStarting(Map<String, Integer> restarts) throws IOException {
        List<String> dead = new ArrayList<>();
        synchronized (hosts) {
            for (Map.Entry<String, Process> h : hosts.entrySet()) {
                if (!h.getValue().isAlive() && !membership.liveHosts().containsKey(h.getKey())) {
                    dead.add(h.getKey());
                }
            }
        }
        for (String hostId : dead) {
            int attempts = restarts.merge(hostId, 1, Integer::sum);
            if (attempts > 2) {
                throw new IllegalStateException(hostId + " exited before registering, " + attempts
                        + " times; see " + dir.resolve(hostId).resolve("ftd.log"));
            }
            consolePorts.remove(hostId);
            adminPorts.remove(hostId);
            start(hostId);
        }
    }

    /** Starts (or restarts) the ftd process of {@code hostId}. */
    public void start(String hostId) throws IOException {
        Path home = Files.createDirectories(dir.resolve(hostId));
        Path config = home.resolve("ftd.yaml");
        io.ftvm.replication.TlsConfig tls = certificates.get(hostId);
        if (tls == null) {
            tls = pki.issue(dir.resolve("pki").toAbsolutePath(), hostId, List.of("localhost", "127.0.0.1"),
                    Duration.ofDays(30));
            certificates.put(hostId, tls);
        }
        SecretFiles.write(config, String.join("\n", // it holds the ZooKeeper password and the admin token
                "hostId: " + hostId,
                "cluster: " + CLUSTER,
                "zookeeper: " + zookeeper.connectString(),
                "user: " + CREDENTIALS.user(),
                "password: " + CREDENTIALS.password(),
                "dataDir: " + home.resolve("data"),
                "bindAddress: 127.0.0.1",
                "consolePort: " + port(consolePorts, hostId),
                "adminPort: " + port(adminPorts, hostId),
                "adminToken: " + ADMIN_TOKEN,
                "capacityMib: 1024",
                "heartbeatIntervalMs: 10",
                "peerTimeoutMinMs: " + Long.getLong("ftvm.localCluster.peerTimeoutMinMs", 100),
                "peerTimeoutMs: 1000",
                "backupLossTimeoutMs: 1000",
                "takeoverGraceMs: 50",
                "sessionTimeoutMs: 3000",
                "tls:",
                "  certificate: " + tls.certificateChain(),
                "  privateKey: " + tls.privateKey(),
                "  trustedCa: " + tls.trustedCertificates(),
                String.join("\n", extraConfig),
                ""));
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-XX:+UseZGC",
                "-Xmx" + System.getProperty("ftvm.localCluster.hostHeap", "512m"), "-XX:MetaspaceSize=256m", "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), "io.ftvm.node.daemon.Ftd", "--config",
                config.toString()));
        synchronized (hosts) {
            if (stopping) {
                throw new IllegalStateException("the cluster is stopping: not starting " + hostId);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("ftd.log").toFile())).start();
            hosts.put(hostId, p);
        }
    }

    private static int port(Map<String, Integer> ports, String hostId) throws IOException {
        Integer port = ports.get(hostId);
        if (port == null) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            ports.put(hostId, port);
        }
        return port;
    }

    /**
     * The admin endpoint of {@code hostId} as {@code https://127.0.0.1:PORT} (bearer token {@link #ADMIN_TOKEN};
     * an HTTP client needs {@link #clientSsl()}).
     */
    public String adminUrl(String hostId) {
        return "https://127.0.0.1:" + adminPorts.get(hostId);
    }

    /** The cluster CA's certificate (PEM): what ftctl's {@code --ca-file} takes. */
    public Path caFile() throws IOException {
        return pki.writeCaCertificate(dir.resolve("pki").resolve("ca.pem"));
    }

    /** A client of the hosts' TLS endpoints that trusts the cluster CA and proves itself with a token. */
    public io.ftvm.replication.ClientTls clientTls() {
        try {
            return io.ftvm.replication.ClientTls.trusting(caFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A JDK TLS context trusting the cluster CA, for HTTP clients of {@link #adminUrl}. */
    public javax.net.ssl.SSLContext clientSsl() {
        return clientTls().jdkContext();
    }

    /** Every host's admin endpoint, {@code 127.0.0.1:PORT,...} (what {@code ftctl --endpoint} takes). */
    public String adminEndpoints() {
        return String.join(",", adminPorts.values().stream().map(p -> "127.0.0.1:" + p).toList());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Kills {@code hostId}'s ftd with SIGKILL (no shutdown hooks, sockets reset by the kernel). */
    public void kill(String hostId) throws InterruptedException {
        Process p = process(hostId);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /**
     * Freezes {@code hostId}'s ftd with SIGSTOP, as a host that hangs or loses power looks to its peers: no socket
     * closes, nothing is sent, its ZooKeeper session lives on until it times out.
     */
    public void freeze(String hostId) {
        signal(hostId, Signals.SIGSTOP);
    }

    /** Lets a frozen ftd run on (SIGCONT). */
    public void thaw(String hostId) {
        signal(hostId, Signals.SIGCONT);
    }

    private void signal(String hostId, int signal) {
        Process p = process(hostId);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(hostId + " is not running");
        }
        signals.send(p.pid(), signal);
    }

    private Process process(String hostId) {
        synchronized (hosts) {
            return hosts.get(hostId);
        }
    }

    /** SIGTERM to every ftd, SIGKILL to those still running after 10 s. */
    private void stopHosts() {
        List<Process> all;
        synchronized (hosts) {
            stopping = true; // a host restarted after this copy would outlive the cluster
            all = List.copyOf(hosts.values());
        }
        for (Process p : all) {
            p.destroy();
            if (p.isAlive()) {
                try {
                    signals.send(p.pid(), Signals.SIGCONT); // a frozen ftd handles the SIGTERM once it runs again
                } catch (IllegalStateException gone) {
                    // exited meanwhile
                }
            }
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean alive(String hostId) {
        Process p = process(hostId);
        return p != null && p.isAlive();
    }

    /**
     * Waits until the VM is PROTECTED and its backup has replayed to within {@code maxLag} instructions of what it
     * received (as the primary's host reports it on its admin API), as a drill would before killing the primary.
     *
     * @return the VM's primary host
     * @throws IllegalStateException when that does not happen within {@code timeout}
     */
    public String awaitCaughtUp(String vmId, long maxLag, Duration timeout) throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(clientSsl())
                .connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing yet";
        while (System.nanoTime() < deadline) {
            VmState s = records.state(vmId).state();
            if (s.status() == VmStatus.PROTECTED && s.primary() != null) {
                try {
                    var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(adminUrl(s.primary())
                            + "/v1/vms/" + vmId)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                    var lag = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("backupHost")
                            .path("backup").path("lagInstructions");
                    last = "lag " + lag;
                    if (lag.isIntegralNumber() && lag.asLong() <= maxLag) {
                        return s.primary();
                    }
                } catch (java.io.IOException e) {
                    last = e.toString();
                }
            } else {
                last = s.toString();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("VM " + vmId + " was not protected with a caught-up backup within "
                + timeout.toSeconds() + " s (last: " + last + ")");
    }

    /** Turns the VM's fault tolerance on or off (the manager acts on it). */
    public void setProtection(String vmId, DesiredProtection protection) {
        records.setProtection(vmId, protection);
    }

    /** Creates the VM {@code spec} describes and starts it on {@code hostId}. */
    public void createVm(String vmId, VmSpec spec, String hostId) {
        records.transition(records.create(vmId, spec), new Transition.Start(hostId));
    }

    /** Creates a VM running {@code image} with {@code memoryMib}, protected, started on {@code hostId}. */
    public void createVm(String vmId, String image, long memoryMib, String hostId) {
        VersionedState s = records.create(vmId, new VmSpec(image, memoryMib, List.of("console"),
                DesiredProtection.PROTECTED));
        records.transition(s, new Transition.Start(hostId));
    }

    public VersionedState state(String vmId) {
        return records.state(vmId);
    }

    /**
     * A certificate of this cluster's CA for {@code name} (which need not be a host): what a compromised or careless
     * cluster member could present, for tests of what such a peer can and cannot do.
     */
    public io.ftvm.replication.TlsConfig issueCertificate(String name) throws IOException {
        return pki.issue(dir.resolve("pki").toAbsolutePath(), name, List.of("localhost", "127.0.0.1"),
                Duration.ofDays(1));
    }

    /**
     * A console client's config for {@code vmId} that types: TLS trusting the cluster CA, the cluster's console token
     * and the write lease.
     */
    public io.ftvm.replication.console.ConsoleClientConfig console(String vmId) {
        return io.ftvm.replication.console.ConsoleClientConfig.of(vmId, consoles()).withCredential(ADMIN_TOKEN)
                .withAccess(io.ftvm.replication.console.ConsoleAccess.WRITE).withTls(clientTls());
    }

    /** The console endpoints of all live hosts. */
    public List<Endpoint> consoles() {
        List<Endpoint> out = new ArrayList<>();
        for (HostInfo h : membership.liveHosts().values()) {
            out.add(Endpoint.parse(h.address()));
        }
        return out;
    }

    public Optional<HostInfo> host(String hostId) {
        return Optional.ofNullable(membership.liveHosts().get(hostId));
    }

    public Path dir() {
        return dir;
    }

    /**
     * The replication endpoint a VM's backup of {@code tenure} published (read with the cluster's credentials), for
     * tests that attack it.
     */
    public Optional<io.ftvm.coordinator.Endpoint> replicationEndpoint(String vmId, long tenure) {
        return new io.ftvm.coordinator.EndpointDirectory(client).lookup(vmId, io.ftvm.coordinator.Role.BACKUP, tenure);
    }

    /** The cluster's ZooKeeper server, to stop and start again (an outage). */
    public EmbeddedZooKeeper zooKeeper() {
        return zookeeper;
    }

    public String connectString() {
        return zookeeper.connectString();
    }

    /** Waits until {@code check} holds for the VM's state, up to {@code timeout}. */
    public VersionedState await(String vmId, java.util.function.Predicate<VersionedState> check, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            VersionedState s = records.state(vmId);
            if (check.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("VM " + vmId + " did not reach the expected state; it is " + s.state());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        stopHosts();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: the hosts are stopped either way
        }
        membership.close();
        client.close();
        zookeeper.close();
    }
}
