package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.replication.ClusterPki;
import io.ftvm.replication.TlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.NettyServerCnxnFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ZooKeeper server with a secure client port that requires a client certificate of the cluster's CA
 * ({@code ssl.clientAuth=need}), certificates from {@link ClusterPki}: an ftvm host with {@link ZooKeeperTls} connects
 * and changes VM records by CAS; a plain client, a client with another CA's certificate, a client that does not trust
 * the server's CA and one that reaches the server under a name its certificate does not carry get nothing.
 *
 * <p>ZooKeeper's server takes its {@code ssl.*} settings from system properties (its config parser turns unknown keys
 * into {@code zookeeper.*} properties and reads them on every TLS connection), so they are set while this class runs
 * and restored afterwards. The clients under test set everything they need in their own configuration.
 */
class ZooKeeperTlsIT {
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    private static Properties savedSystemProperties;
    private static TestingServer server;
    private static ClusterPki clusterCa;
    private static int securePort;

    @BeforeAll
    static void start() throws Exception {
        savedSystemProperties = (Properties) System.getProperties().clone();
        clusterCa = ClusterPki.create("ftvm-test-ca");
        // the server's certificate names the address the hosts connect to (127.0.0.1), not "localhost"
        TlsConfig zk = clusterCa.issue(dir.resolve("zk"), "zk1", List.of("127.0.0.1"), Duration.ofDays(1));
        Path serverKeyStore = dir.resolve("zk/zk1-keystore.pem");
        Files.writeString(serverKeyStore, Files.readString(zk.privateKey()) + Files.readString(zk.certificateChain()),
                StandardCharsets.US_ASCII);
        securePort = InstanceSpec.getRandomPort();
        Map<String, Object> props = new HashMap<>();
        props.put("secureClientPort", Integer.toString(securePort));
        props.put("serverCnxnFactory", NettyServerCnxnFactory.class.getName());
        props.put("ssl.keyStore.location", serverKeyStore.toString());
        props.put("ssl.keyStore.type", "PEM");
        props.put("ssl.trustStore.location", zk.trustedCertificates().toString());
        props.put("ssl.trustStore.type", "PEM");
        props.put("ssl.clientAuth", "need");
        server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, ZkTestSupport.TICK_MS, -1, props),
                true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        System.setProperties(savedSystemProperties);
    }

    private static String secureAddress() {
        return "127.0.0.1:" + securePort;
    }

    /** A client that gives up after {@link #REFUSED_WITHIN}: for connections that must fail. */
    private static CoordinatorConfig config(String connect, String cluster) {
        return ZkTestSupport.config(connect, cluster).withTimeouts(Duration.ofSeconds(4), REFUSED_WITHIN);
    }

    /** A client that may take its time to connect (a loaded machine): for connections that must succeed. */
    private static CoordinatorConfig patientConfig(String connect, String cluster) {
        return ZkTestSupport.config(connect, cluster).withTimeouts(Duration.ofSeconds(4), Duration.ofSeconds(15));
    }

    /** Host files from {@code ca}, trusting {@code trusted}'s certificate, the key store written into {@code dir}. */
    private static ZooKeeperTls hostTls(ClusterPki ca, String host, ClusterPki trusted) throws Exception {
        Path hostDir = dir.resolve(host);
        TlsConfig t = ca.issue(hostDir, host, List.of(), Duration.ofDays(1));
        Path trust = trusted == ca ? t.trustedCertificates()
                : trusted.writeCaCertificate(hostDir.resolve("trusted-ca.pem"));
        Path stores = Files.createDirectories(hostDir.resolve("stores"));
        return new ZooKeeperTls(t.certificateChain(), t.privateKey(), trust, stores);
    }

    private static List<Path> keyStores(ZooKeeperTls tls) throws Exception {
        try (Stream<Path> files = Files.list(tls.keyStoreDirectory())) {
            return files.toList();
        }
    }

    @Test
    void aHostWithTheClusterCertificateConnectsOverTlsAndChangesRecordsByCas() throws Exception {
        ZooKeeperTls tls = hostTls(clusterCa, "h1", clusterCa);
        try (CoordinatorClient a = new CoordinatorClient(patientConfig(secureAddress(), "tls").withZooKeeperTls(tls))
                .start();
                CoordinatorClient b = new CoordinatorClient(patientConfig(secureAddress(), "tls")
                        .withZooKeeperTls(hostTls(clusterCa, "h2", clusterCa))).start()) {
            // the key store ZooKeeper reads: one file, owner-only
            List<Path> stores = keyStores(tls);
            assertThat(stores).hasSize(1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stores.get(0))))
                    .isEqualTo("rw-------");

            VmRecords recordsA = new VmRecords(a);
            VmRecords recordsB = new VmRecords(b);
            recordsA.create("vm1", ZkTestSupport.vmSpec(64));
            assertThat(recordsA.transition("vm1", 0, new Transition.Start("h1")).won()).isTrue();
            // both hosts race from epoch 1: exactly one wins, the other sees the winner's state
            TransitionOutcome first = recordsA.transition("vm1", 1, new Transition.AssignBackup("h2"));
            TransitionOutcome second = recordsB.transition("vm1", 1, new Transition.AssignBackup("h3"));
            assertThat(first.won()).isTrue();
            assertThat(second.won()).isFalse();
            assertThat(second.state().state()).isEqualTo(first.state().state());
            assertThat(recordsB.state("vm1").state().epoch()).isEqualTo(2);
            HostRegistry.register(b, ZkTestSupport.host("h2", 1024));
        }
        assertThat(keyStores(tls)).as("the key store is deleted with the client").isEmpty();
    }

    @Test
    void aPlainClientGetsNothingFromTheSecurePort() {
        assertThatThrownBy(() -> new CoordinatorClient(config(secureAddress(), "tls")).start())
                .isInstanceOf(CoordinatorUnavailableException.class);
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedByTheServer() throws Exception {
        // trusts the server, but its own certificate is signed by a stranger: the server refuses the handshake
        ZooKeeperTls stranger = hostTls(ClusterPki.create("stranger-ca"), "h1", clusterCa);
        assertThatThrownBy(() -> new CoordinatorClient(config(secureAddress(), "tls").withZooKeeperTls(stranger))
                .start()).isInstanceOf(CoordinatorUnavailableException.class).hasMessageContaining("over TLS");
        assertThat(keyStores(stranger)).as("a failed start deletes the key store too").isEmpty();
    }

    @Test
    void aServerOutsideTheTrustedCaIsRefusedByTheClient() throws Exception {
        ZooKeeperTls distrustful = hostTls(clusterCa, "h3", ClusterPki.create("another-ca"));
        assertThatThrownBy(() -> new CoordinatorClient(config(secureAddress(), "tls").withZooKeeperTls(distrustful))
                .start()).isInstanceOf(CoordinatorUnavailableException.class);
    }

    @Test
    void aServerReachedUnderANameItsCertificateDoesNotCarryIsRefused() throws Exception {
        // the same server, by the IPv4 loopback's name: its certificate names only 127.0.0.1 and zk1
        ZooKeeperTls tls = hostTls(clusterCa, "h4", clusterCa);
        assertThatThrownBy(() -> new CoordinatorClient(config("localhost:" + securePort, "tls").withZooKeeperTls(tls))
                .start()).isInstanceOf(CoordinatorUnavailableException.class);
    }

    @Test
    void unusableFilesAreNamedBeforeAnyConnection() throws Exception {
        ZooKeeperTls good = hostTls(clusterCa, "h5", clusterCa);
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnot base64\n"
                + "-----END PRIVATE KEY-----\n");
        ZooKeeperTls bad = new ZooKeeperTls(good.certificate(), garbage, good.trustedCa(), good.keyStoreDirectory());
        assertThatThrownBy(() -> new CoordinatorClient(config(secureAddress(), "tls").withZooKeeperTls(bad)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.key");
        assertThat(keyStores(good)).isEmpty();
        Path traditional = Files.writeString(dir.resolve("traditional.key"), "-----BEGIN EC PRIVATE KEY-----\n"
                + "AAAA\n-----END EC PRIVATE KEY-----\n");
        ZooKeeperTls pkcs1 = new ZooKeeperTls(good.certificate(), traditional, good.trustedCa(),
                good.keyStoreDirectory());
        assertThatThrownBy(() -> new CoordinatorClient(config(secureAddress(), "tls").withZooKeeperTls(pkcs1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traditional.key")
                .hasMessageContaining("PKCS#8");
                ZooKeeperTls missing = new ZooKeeperTls(good.certificate(), good.privateKey(), dir.resolve("nope.pem"),
                good.keyStoreDirectory());
        assertThatThrownBy(() -> new CoordinatorClient(config(secureAddress(), "tls").withZooKeeperTls(missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem");
    }
}
