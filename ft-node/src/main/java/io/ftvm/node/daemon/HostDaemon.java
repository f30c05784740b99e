package io.ftvm.node.daemon;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.ftvm.node.metrics.JmxNames;
import io.ftvm.backup.BackupSettings;
import io.ftvm.coordinator.ClusterManager;
import io.ftvm.coordinator.CoordinationState;
import io.ftvm.coordinator.CoordinatorClient;
import io.ftvm.coordinator.CoordinatorConfig;
import io.ftvm.coordinator.Credentials;
import io.ftvm.coordinator.EndpointDirectory;
import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.HostMembership;
import io.ftvm.coordinator.HostRegistry;
import io.ftvm.coordinator.ReconcilePlanner;
import io.ftvm.coordinator.VmCatalog;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.ZooKeeperTls;
import io.ftvm.node.admin.AdminApi;
import io.ftvm.node.admin.AdminServer;
import io.ftvm.node.admin.AdminServerConfig;
import io.ftvm.node.console.ConsoleAuth;
import io.ftvm.node.console.ConsoleServer;
import io.ftvm.node.console.ConsoleServerConfig;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.primary.RecordingSettings;
import io.ftvm.replication.ConnectionSettings;
import io.ftvm.replication.Framing;
import io.ftvm.replication.TlsConfig;
import io.ftvm.vmm.replay.WallClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ftd: one host of an ftvm cluster. Registers the host in ZooKeeper (its console endpoint and capacity), takes part
 * in the cluster-manager election, watches the VM records and runs, on this host, the roles they name
 * ({@link VmInstance}), and serves every VM's console (or redirects to its primary's host).
 */
public final class HostDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostDaemon.class);
    /** How often every VM is reconciled even without a change notification. */
    private static final long RECONCILE_MILLIS = 100;

    private final NodeConfig config;
    private final WallClock clock;
    private final VmImages images;
    private final VmMachines machines;
    private final MetricRegistry metrics = new MetricRegistry();
    private io.ftvm.node.metrics.JvmMetrics jvmMetrics;
    /** Every replication endpoint's refusals and bytes, summed over the host (its metrics). */
    private final Framing.Stats replicationStats = new Framing.Stats();
    /** Changed on the reconcile thread only; read by the admin endpoint's threads. */
    private final Map<String, VmInstance> instances = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ftd-reconcile");
        t.setDaemon(true);
        return t;
    });
    private ConsoleServer console;
    private CoordinatorClient client;
    private volatile HostRegistry registry;
    private HostMembership membership;
    private volatile ClusterManager manager;
    private io.ftvm.coordinator.DrainedHosts drained;
    /** Admin requests for a switchover that may wait at once (each holds an API worker). */
    private static final int MAX_SWITCHOVERS = 2;
    /** How long a switchover request waits for this host's view of the record to catch up with ZooKeeper's. */
    private static final long VIEW_CATCH_UP_MILLIS = 2_000;
    private final java.util.concurrent.Semaphore switchovers = new java.util.concurrent.Semaphore(MAX_SWITCHOVERS);
    private VmCatalog catalog;
    private NodeContext context;
    private AdminServer admin;
    private JmxReporter jmx;
    /** Role summaries per VM, refreshed by every reconcile pass (read by the admin endpoint's thread). */
    private volatile Map<String, String> roles = Map.of();
    /** Set once the VM records were read in full: reconciling starts with adopting what they say of this host. */
    private volatile boolean ready;
    private boolean adopted;

    public HostDaemon(NodeConfig config, WallClock clock) {
        this.config = config;
        this.clock = clock;
        this.images = new VmImages(config.imageDir());
        this.machines = new VmMachines(images, config.dataDir().resolve("disks"), config.bridge(), config.hostId());
        // No role outlives its ftd: disk copies and snapshots of an earlier life of this daemon belong to nobody now
        // (a backup's disk copies live in its snapshot directory; a primary that took over keeps them there).
        for (String stale : new String[] {"disks", "snapshots-in", "snapshots-out"}) {
            try {
                VmMachines.deleteTree(config.dataDir().resolve(stale));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot clear " + config.dataDir().resolve(stale), e);
            }
        }
    }

    /** Starts everything; returns once the host is registered. */
    public HostDaemon start() throws IOException, InterruptedException {
        createDirectory("dataDir", config.dataDir());
        createDirectory("imageDir", config.imageDir());
        sweepRecordings();
        TlsConfig tls = tlsConfig();
        if (config.adminToken() == null) {
            LOG.warn(tls == null ? "no adminToken configured and TLS is off: no console client can authenticate"
                    : "no adminToken configured: only console clients with a certificate of the cluster CA can "
                    + "authenticate");
        }
        if (tls == null) {
            LOG.warn("TLS is off: replication (VM memory, inputs, console output), the console and the admin API "
                    + "(with its token) cross the network in clear, and peers prove only their pair key; set tls "
                    + "in the config");
        }
        // One context for the console and admin endpoints: this host's certificate, client certificates optional.
        io.netty.handler.ssl.SslContext endpointTls = tls == null ? null : tls.endpointServerContext();
        console = listen("consolePort", config.consolePort(), a -> new ConsoleServer(a,
                ConsoleServerConfig.defaults().withTls(endpointTls), new ConsoleAuth(config.adminToken())));
        CoordinatorConfig coordinator = coordinatorConfig();
        try {
            client = new CoordinatorClient(coordinator);
        } catch (IllegalArgumentException e) { // ZooKeeper TLS files ZooKeeper cannot use, or no key store in dataDir
            throw new NodeConfig.InvalidConfigException("zookeeperTls: " + e.getMessage(), e);
        }
        client.start();
        io.ftvm.coordinator.AclRepair.Report acls = client.enforceAcls();
        if (acls.tightened() > 0 || !acls.refused().isEmpty()) {
            LOG.warn("ZooKeeper: znodes of cluster '{}' that were world-readable (left by an earlier version or "
                    + "config): {}", config.cluster(), acls);
        }
        String consoleAddress = config.advertiseAddress() + ":" + console.address().getPort();
        membership = new HostMembership(client).start();
        // read before the first reconcile: it judges roles by which hosts are live (an empty view would say none)
        if (!membership.awaitInitialized(Duration.ofSeconds(30))) {
            throw new IOException("the live hosts could not be read within 30 s");
        }
        drained = new io.ftvm.coordinator.DrainedHosts(client).start();
        if (!drained.awaitInitialized(Duration.ofSeconds(30))) {
            throw new IOException("the drained hosts could not be read within 30 s");
        }
        if (drained.isDrained(config.hostId())) {
            LOG.warn("host {} is drained (ftctl host undrain {} lifts it): it takes no new role", config.hostId(),
                    config.hostId());
        }
        VmRecords records = new VmRecords(client);
        context = new NodeContext(config.hostId(), config.cluster(), config.advertiseAddress(), records,
                new EndpointDirectory(client), primarySettings(), backupSettings(), clock, metrics, this::consoleOf,
                () -> manager != null && manager.acting(), machines, () -> drained.isDrained(config.hostId()),
                this::protectionCode);
        catalog = new VmCatalog(client, () -> reconciler.execute(this::reconcile)).start();
        if (!catalog.awaitInitialized(Duration.ofSeconds(30))) {
            throw new IOException("the VM records could not be read within 30 s");
        }
        ready = true;
        // The first pass adopts what the records say of this host, and must be done before the host registers: a
        // Start that names this host after it registered is a fresh one, never one "from a previous life".
        try {
            reconciler.submit(this::reconcile).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("the first reconcile pass failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the first reconcile pass did not finish within 30 s");
        }
        reconciler.scheduleWithFixedDelay(this::reconcile, RECONCILE_MILLIS, RECONCILE_MILLIS, TimeUnit.MILLISECONDS);
        String adminAddress = null;
        if (config.adminPort() != null) {
            OperationsApi api = new OperationsApi(config.hostId(), config.cluster(), records, catalog, membership,
                    drained,
                    new LocalInstances(), new PeerFigures(config.adminToken(), Duration.ofSeconds(1),
                            tls == null ? null : tls.jdkClientContext()),
                    () -> client.connection().state() == CoordinationState.CONNECTED, machines);
            admin = listen("adminPort", config.adminPort(), a -> new AdminServer(a, config.adminToken(), metrics,
                    this::health, api, AdminServerConfig.defaults().withTls(endpointTls)));
            adminAddress = config.advertiseAddress() + ":" + admin.address().getPort();
        }
        jmx = JmxReporter.forRegistry(metrics).inDomain("io.ftvm").createsObjectNamesWith(new JmxNames()).build();
        jmx.start();
        registerHostGauges();
        jvmMetrics = new io.ftvm.node.metrics.JvmMetrics(metrics);
        // Registered last: a host takes roles only once it has read the records and adopted what they said of it.
        registry = HostRegistry.register(client, new HostInfo(config.hostId(), consoleAddress, config.capacityMib(),
                version(), adminAddress, config.zone(), config.tls() != null, config.bridge() != null));
        manager = new ClusterManager(client, config.hostId(), r -> {
            metrics.counter("ftvm_manager_rounds_total").inc();
            metrics.counter("ftvm_manager_transitions_total{outcome=won}").inc(r.won());
            metrics.counter("ftvm_manager_transitions_total{outcome=lost}").inc(r.lost());
            if (!r.unplaced().isEmpty()) {
                LOG.warn("cluster manager: VMs without a backup: {}", r.unplaced());
            }
        }).start();
        ClassWarmup.start(HostDaemon.class.getClassLoader()); // the first failover here does not load them
        LOG.info("ftd {} up: console {}, cluster '{}' on {}", config.hostId(), consoleAddress, config.cluster(),
                config.zookeeper());
        return this;
    }

    /**
     * The coordinator's settings; with {@code zookeeperTls}, mutual TLS with the {@code tls} section's files (the
     * combined key store ZooKeeper reads lives in dataDir while ftd runs).
     */
    private CoordinatorConfig coordinatorConfig() {
        CoordinatorConfig c = CoordinatorConfig.of(config.zookeeper(), config.cluster(),
                new Credentials(config.user(), config.password()))
                .withTimeouts(Duration.ofMillis(config.sessionTimeoutMs()),
                        Duration.ofMillis(Math.min(config.sessionTimeoutMs(), 5_000)));
        if (!config.zookeeperTls()) {
            LOG.warn("zookeeperTls is off: the ZooKeeper digest credentials and records travel in clear text");
            return c;
        }
        NodeConfig.Tls tls = config.tls();
        return c.withZooKeeperTls(new ZooKeeperTls(tls.certificate(), tls.privateKey(), tls.trustedCa(),
                config.dataDir()));
    }

    private static void createDirectory(String key, java.nio.file.Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException(key + " " + dir + " cannot be created: " + e, e);
        }
    }

    /** What listens on an address: the console or the admin endpoint. */
    @FunctionalInterface
    private interface Endpoint<T> {
        T open(InetSocketAddress address) throws Exception;
    }

    /**
     * Opens an endpoint on bindAddress:port; a failure to bind (the address is not on this host, the port is taken)
     * is an IOException that names both.
     */
    private <T> T listen(String key, int port, Endpoint<T> endpoint) throws IOException, InterruptedException {
        InetSocketAddress a = new InetSocketAddress(config.bindAddress(), port);
        try {
            return endpoint.open(a);
        } catch (IOException e) { // Netty rethrows the bind's own exception, undeclared
            throw new IOException("cannot listen on bindAddress " + config.bindAddress() + ", " + key + " " + port
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot listen on bindAddress " + config.bindAddress() + ", " + key + " " + port
                    + ": " + e, e);
        }
    }

    private void registerHostGauges() {
        Framing.Stats r = replicationStats;
        metrics.gauge("ftvm_replication_refused_total{reason=oversized_frame}", () -> () -> r.oversizedFrames());
        metrics.gauge("ftvm_replication_refused_total{reason=malformed_message}", () -> () -> r.malformedMessages());
        metrics.gauge("ftvm_replication_refused_total{reason=tls}", () -> () -> r.tlsRefusals());
        metrics.gauge("ftvm_replication_refused_total{reason=handshake}", () -> () -> r.handshakeRefusals());
        metrics.gauge("ftvm_replication_refused_total{reason=unauthenticated_limit}",
                () -> () -> r.unprovenOverLimit());
        metrics.gauge("ftvm_replication_stalled_total", () -> () -> r.stalledStreams());
        metrics.gauge("ftvm_replication_connection_errors_total", () -> () -> r.connectionErrors());
        metrics.gauge("ftvm_replication_received_bytes_total", () -> () -> r.bytesReceived());
        ConsoleServer c = console;
        metrics.gauge("ftvm_console_violations_total", () -> () -> c.stats().violations());
        metrics.gauge("ftvm_console_refused_total{reason=unauthenticated}", () -> () -> c.auth().refusals());
        metrics.gauge("ftvm_manager_acting", () -> () -> manager != null && manager.acting() ? 1 : 0);
        metrics.gauge("ftvm_vms_unplaced", () -> () -> {
            ClusterManager m = manager;
            return m == null || !m.acting() || m.lastReport() == null ? null : m.lastReport().unplaced().size();
        });
        metrics.gauge("ftvm_host_up", () -> () -> health().healthy() ? 1 : 0);
        metrics.gauge("ftvm_build_info{version=" + version() + "}", () -> () -> 1);
        metrics.gauge("ftvm_hosts_live", () -> () -> membership.liveHosts().size());
        metrics.gauge("ftvm_zookeeper_connected",
                () -> () -> client.connection().state() == CoordinationState.CONNECTED ? 1 : 0);
    }

    /** The admin API's access to this host's instances (a crash runs on the reconcile thread, like every change). */
    private final class LocalInstances implements OperationsApi.LocalVms {
        @Override
        public Optional<Map<String, Object>> figures(String vmId) {
            VmInstance i = instances.get(vmId);
            return i == null ? Optional.empty() : Optional.of(i.figures());
        }

        @Override
        public Optional<VmInstance.Crash> crash(String vmId, String role) throws IOException {
            java.util.concurrent.Future<Optional<VmInstance.Crash>> f = reconciler.submit(() -> {
                VmInstance i = instances.get(vmId);
                return Optional.ofNullable(i == null ? null : i.crash(role));
            });
            try {
                return f.get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                f.cancel(false);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (TimeoutException e) {
                f.cancel(false); // never kill later, with nobody watching
                throw new IOException("the crash drill did not run on " + config.hostId() + " within 20 s: nothing "
                        + "was killed");
            } catch (ExecutionException e) {
                throw new IOException("the crash drill failed on " + config.hostId() + ": " + e.getCause(), e);
            }
        }

        @Override
        public Optional<io.ftvm.primary.Switchover.Result> switchOver(String vmId, java.time.Duration timeout)
                throws IOException {
            VmInstance i = instances.get(vmId);
            if (i == null) {
                return Optional.empty();
            }
            // each request holds an admin worker while its VM stands still: a few at a time, the rest refused
            if (!switchovers.tryAcquire()) {
                throw new OperationsApi.SwitchoverFailed("host " + config.hostId() + " runs " + MAX_SWITCHOVERS
                        + " switchovers already; try again when they are done");
            }
            try {
                return switchOverHere(vmId, i, timeout);
            } finally {
                switchovers.release();
            }
        }

        private Optional<io.ftvm.primary.Switchover.Result> switchOverHere(String vmId, VmInstance i,
                java.time.Duration timeout) throws IOException {
            awaitCurrentView(vmId, i);
            java.util.concurrent.CompletableFuture<io.ftvm.primary.Switchover.Result> f = i.switchOver(timeout);
            if (f == null) {
                return Optional.empty();
            }
            try {
                // the role abandons the switchover at the timeout: this wait only covers its last steps
                return Optional.of(f.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (TimeoutException e) {
                throw new OperationsApi.SwitchoverFailed("the switchover on " + config.hostId()
                        + " did not finish in time");
            } catch (ExecutionException e) {
                throw new OperationsApi.SwitchoverFailed(e.getCause().getMessage());
            }
        }

        /**
         * Waits (up to {@link #VIEW_CATCH_UP_MILLIS}) until this host has reconciled {@code i} with the record as
         * ZooKeeper has it now: a request made right after a takeover (the record already names this host) must not
         * be answered from the moment before this host saw it.
         */
        private void awaitCurrentView(String vmId, VmInstance i) throws IOException {
            long epoch = context.records().state(vmId).epoch(); // unreachable ZooKeeper: 503 from the API
            long end = System.nanoTime() + VIEW_CATCH_UP_MILLIS * 1_000_000L;
            if (i.reconciledEpoch() < epoch) {
                reconciler.execute(HostDaemon.this::reconcile); // the watch brings it too; this is sooner
            }
            while (i.reconciledEpoch() < epoch && System.nanoTime() - end < 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }

        @Override
        public Optional<AdminApi.StreamBody> recording(String vmId) throws IOException {
            VmInstance i = instances.get(vmId);
            java.nio.file.Path file = i == null ? null : i.copyRecording(config.dataDir());
            if (file == null) {
                return Optional.empty();
            }
            return Optional.of(out -> {
                try {
                    Files.copy(file, out);
                } finally {
                    Files.deleteIfExists(file);
                }
            });
        }
    }

    /**
     * Recordings left by a previous life of this ftd belong to roles that are never taken up again (see
     * {@link VmInstance#adopt}): delete them so they do not pile up.
     */
    private void sweepRecordings() throws IOException {
        java.nio.file.Path dir = primarySettings().recording().directory();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                Files.deleteIfExists(f);
                LOG.info("deleted {} (a recording from before this ftd started)", f);
            }
        }
    }

    private AdminServer.Health health() {
        CoordinationState zk = client.connection().state();
        boolean registered = registry != null && registry.registered();
        Map<String, Object> details = new TreeMap<>();
        details.put("host", config.hostId());
        details.put("zookeeper", zk.name());
        details.put("registered", registered);
        details.put("vms", roles);
        return new AdminServer.Health(zk == CoordinationState.CONNECTED && registered, details);
    }

    /** The admin endpoint, or null when the config has no adminPort. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    private static String version() {
        return io.ftvm.vmm.BuildInfo.version();
    }

    private PrimarySettings primarySettings() {
        PrimarySettings defaults = PrimarySettings.defaults(config.dataDir().resolve("snapshots-out"));
        return defaults.withRecording(config.recordingMaxMib() == 0 ? RecordingSettings.off()
                        : new RecordingSettings(defaults.recording().directory(), config.recordingMaxMib() << 20))
                .withBackupLossTimeout(Duration.ofMillis(config.backupLossTimeoutMs()))
                .withConnection(connectionSettings());
    }

    private BackupSettings backupSettings() {
        return new BackupSettings(new InetSocketAddress(config.bindAddress(), 0), connectionSettings(),
                config.dataDir().resolve("snapshots-in"), 1 << 20, Duration.ofMillis(config.takeoverGraceMs()),
                Duration.ofSeconds(60), primarySettings());
    }

    private ConnectionSettings connectionSettings() {
        ConnectionSettings c = ConnectionSettings.defaults().withFailureDetector(
                Duration.ofMillis(config.heartbeatIntervalMs()), Duration.ofMillis(config.effectivePeerTimeoutMinMs()),
                Duration.ofMillis(config.peerTimeoutMs())).withHostStats(replicationStats);
        TlsConfig tls = tlsConfig();
        return tls == null ? c : c.withTls(tls);
    }

    /** The {@code tls} section's files, or null when TLS is off. */
    private TlsConfig tlsConfig() {
        NodeConfig.Tls tls = config.tls();
        return tls == null ? null : new TlsConfig(tls.certificate(), tls.privateKey(), tls.trustedCa());
    }

    /** The VM's protection reason code as the status API gives it (what the status metric is labelled with). */
    private String protectionCode(ReconcilePlanner.VmView v) {
        ClusterManager m = manager;
        String unplaced = m == null ? null : m.lastReport().unplaced().get(v.vmId());
        return io.ftvm.node.admin.ProtectionStatus.of(v.spec(), v.state().state(), membership.liveHosts().keySet(),
                unplaced).code();
    }

    private String consoleOf(String hostId) {
        HostInfo h = membership.liveHosts().get(hostId);
        return h == null ? null : h.address();
    }

    /** The console endpoint this host serves. */
    public InetSocketAddress consoleAddress() {
        return console.address();
    }

    public MetricRegistry metrics() {
        return metrics;
    }

    /** First pass: roles the records name for this host predate this process (see {@link VmInstance#adopt}). */
    private void adoptExisting() {
        for (ReconcilePlanner.VmView v : catalog.views()) {
            VmInstance i = new VmInstance(v.vmId(), context);
            i.adopt(v.state().state());
            instances.put(v.vmId(), i);
            console.attach(v.vmId(), i.console());
        }
    }

    private void reconcile() {
        if (!ready) {
            return;
        }
        if (!adopted) {
            adopted = true;
            adoptExisting();
        }
        try {
            Set<String> present = new HashSet<>();
            for (ReconcilePlanner.VmView v : catalog.views()) {
                present.add(v.vmId());
                VmInstance i = instances.get(v.vmId());
                if (i == null) {
                    i = new VmInstance(v.vmId(), context);
                    instances.put(v.vmId(), i);
                    console.attach(v.vmId(), i.console());
                }
                i.reconcile(v);
            }
            Map<String, String> summary = new TreeMap<>();
            instances.forEach((id, i) -> summary.put(id, i.describe()));
            roles = Map.copyOf(summary);
            instances.entrySet().removeIf(e -> {
                if (present.contains(e.getKey())) {
                    return false;
                }
                e.getValue().delete();
                console.detach(e.getKey(), "", "the VM was deleted");
                return true;
            });
        } catch (RuntimeException e) {
            LOG.error("reconcile failed: {}", e.toString(), e);
        }
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        try {
            reconciler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (VmInstance i : instances.values()) {
            i.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {admin, jmx, jvmMetrics, catalog, manager, drained, membership,
            registry, client, console}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("while closing: {}", e.toString());
            }
        }
    }
}
