package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.coordinator.CoordinatorUnavailableException;
import io.ftvm.replication.ClusterPki;
import io.ftvm.replication.TlsConfig;
import io.ftvm.vmm.replay.WallClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.NettyServerCnxnFactory;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ftd with {@code zookeeperTls: true} against a ZooKeeper server whose secure client port requires a certificate of
 * the cluster CA: it registers over TLS, keeping the combined key store owner-only in dataDir only while it runs;
 * with {@code zookeeperTls: false} the secure port gives it nothing. (ZooKeeper's server reads its {@code ssl.*}
 * settings as system properties: they are restored afterwards.)
 */
class ZooKeeperTlsFtdIT {
    @TempDir
    static Path dir;
    private static Properties savedSystemProperties;
    private static ZooKeeperServerEmbedded server;
    private static ClusterPki ca;
    private static int securePort;

    @BeforeAll
    static void start() throws Exception {
        savedSystemProperties = (Properties) System.getProperties().clone();
        ca = ClusterPki.create("ftd-zk-test-ca");
        TlsConfig zk = ca.issue(dir.resolve("zk-tls"), "zk1", List.of("127.0.0.1"), Duration.ofDays(1));
        Path keyStore = Files.writeString(dir.resolve("zk-tls/zk1-keystore.pem"),
                Files.readString(zk.privateKey()) + Files.readString(zk.certificateChain()), StandardCharsets.US_ASCII);
        securePort = freePort();
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(freePort()));
        p.setProperty("clientPortAddress", loopback);
        p.setProperty("secureClientPort", Integer.toString(securePort));
        p.setProperty("secureClientPortAddress", loopback);
        p.setProperty("serverCnxnFactory", NettyServerCnxnFactory.class.getName());
        p.setProperty("ssl.keyStore.location", keyStore.toString());
        p.setProperty("ssl.keyStore.type", "PEM");
        p.setProperty("ssl.trustStore.location", zk.trustedCertificates().toString());
        p.setProperty("ssl.trustStore.type", "PEM");
        p.setProperty("ssl.clientAuth", "need");
        p.setProperty("tickTime", "500");
        p.setProperty("admin.enableServer", "false");
        server = ZooKeeperServerEmbedded.builder().baseDir(Files.createDirectories(dir.resolve("zk")))
                .configuration(p).exitHandler(ExitHandler.LOG_ONLY).build();
        server.start(30_000);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        System.setProperties(savedSystemProperties);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static NodeConfig config(String hostId, boolean zookeeperTls) throws IOException {
        TlsConfig host = ca.issue(dir.resolve(hostId + "-tls"), hostId, List.of(), Duration.ofDays(1));
        String yaml = String.join("\n",
                "hostId: " + hostId,
                "cluster: tls",
                "zookeeper: 127.0.0.1:" + securePort,
                "user: ftvm",
                "password: s3cret-pass",
                "dataDir: " + dir.resolve(hostId),
                "bindAddress: 127.0.0.1",
                "consolePort: 0",
                "capacityMib: 1024",
                "heartbeatIntervalMs: 50",
                "peerTimeoutMs: 500",
                "backupLossTimeoutMs: 1000",
                "takeoverGraceMs: 100",
                "sessionTimeoutMs: 3000",
                "zookeeperTls: " + zookeeperTls,
                "tls:",
                "  certificate: " + host.certificateChain(),
                "  privateKey: " + host.privateKey(),
                "  trustedCa: " + host.trustedCertificates(),
                "");
        NodeConfig c = new NodeConfigLoader().parse(hostId + ".yaml", yaml);
        NodeConfigLoader.checkHost(c);
        return c;
    }

    private static List<Path> keyStores(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("zookeeper-client-")).toList();
        }
    }

    @Test
    void ftdRegistersOverTlsAndKeepsTheKeyStoreOnlyWhileItRuns() throws Exception {
        NodeConfig c = config("host-a", true);
        try (HostDaemon ftd = new HostDaemon(c, WallClock.SYSTEM)) {
            ftd.start(); // returns once the host is registered: over the secure port, so over TLS
            assertThat(ftd.metrics().getGauges().get("ftvm_zookeeper_connected").getValue()).isEqualTo(1);
            List<Path> stores = keyStores(c.dataDir());
            assertThat(stores).hasSize(1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stores.get(0))))
                    .isEqualTo("rw-------");
        }
        assertThat(keyStores(c.dataDir())).isEmpty();
    }

    @Test
    void withoutZookeeperTlsTheSecurePortGivesFtdNothing() throws Exception {
        NodeConfig c = config("host-b", false);
        try (HostDaemon ftd = new HostDaemon(c, WallClock.SYSTEM)) {
            assertThatThrownBy(ftd::start).isInstanceOf(CoordinatorUnavailableException.class);
        }
    }
}
