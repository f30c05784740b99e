package io.ftvm.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.ClientTls;
import io.ftvm.replication.ClusterPki;
import io.ftvm.replication.TlsConfig;
import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console endpoint with TLS, as ftd runs it when its config has TLS: a client that trusts the cluster CA and
 * presents the token is served; so is one that presents a cluster certificate and no token; a client speaking plain
 * text is refused with a message that says TLS is required (and counted); a client trusting another CA stops with a
 * message about the host's certificate; a TLS client of a plain endpoint is told the handshake failed.
 */
class ConsoleTlsTest {
    @TempDir
    static Path dir;
    private static TlsConfig host;
    private static TlsConfig operator;
    private static Path otherCa;

    @BeforeAll
    static void pki() throws Exception {
        ClusterPki pki = ClusterPki.create("console test CA");
        host = pki.issue(dir.resolve("pki"), "host-1", List.of("127.0.0.1"), Duration.ofDays(1));
        operator = pki.issue(dir.resolve("pki"), "operator-ann", List.of(), Duration.ofDays(1));
        otherCa = ClusterPki.create("another CA").writeCaCertificate(dir.resolve("other-ca.pem"));
    }

    private static ConsoleServer tlsServer(InMemoryConsoleBackend backend) throws Exception {
        ConsoleServer s = new ConsoleServer(TestSupport.loopback(),
                ConsoleServerConfig.defaults().withTls(host.endpointServerContext()), new ConsoleAuth(TestSupport.TOKEN));
        s.attach(TestSupport.VM, backend);
        return s;
    }

    private static final class Client implements AutoCloseable {
        final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        final StringBuffer output = new StringBuffer();
        final ConsoleClient client;

        Client(ConsoleClientConfig config) {
            client = ConsoleClient.start(config.withBackoff(Duration.ofMillis(10), Duration.ofMillis(100)),
                    (offset, bytes) -> output.append(new String(bytes, StandardCharsets.US_ASCII)), events::add);
        }

        boolean saw(ConnectionEvent.Kind kind, String detail) {
            return events.stream().anyMatch(e -> e.kind() == kind && e.detail().contains(detail));
        }

        @Override
        public void close() {
            client.close();
        }
    }

    @Test
    void aClientWithTheTokenOverTlsReadsAndTypes() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput("prompt> ".getBytes(StandardCharsets.US_ASCII));
        backend.autoAck(true);
        try (ConsoleServer server = tlsServer(backend);
             Client c = new Client(TestSupport.clientConfig(TestSupport.endpoint(server))
                     .withTls(ClientTls.trusting(host.trustedCertificates())))) {
            TestSupport.await(() -> c.output.toString().equals("prompt> "), "output over TLS");
            c.client.send("get a\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.client.awaitInputAcked(Duration.ofSeconds(10))).isTrue();
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("get a\n");
            assertThat(server.auth().refusals()).isZero();
        }
    }

    @Test
    void aClusterCertificateProvesAClientWithoutAToken() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput("ok".getBytes(StandardCharsets.US_ASCII));
        try (ConsoleServer server = tlsServer(backend);
             Client c = new Client(ConsoleClientConfig.of(TestSupport.VM, List.of(TestSupport.endpoint(server)))
                     .withAccess(ConsoleAccess.WRITE).withTls(operator.asClient()))) {
            TestSupport.await(() -> c.output.toString().equals("ok"), "output to a certified client");
            assertThat(c.saw(ConnectionEvent.Kind.CONNECTED, "")).isTrue();
        }
    }

    @Test
    void plainTextToATlsConsoleIsRefusedWithWhatToDo() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput("secret output".getBytes(StandardCharsets.US_ASCII));
        try (ConsoleServer server = tlsServer(backend);
             Client c = new Client(TestSupport.clientConfig(TestSupport.endpoint(server)))) { // the right token
            assertThat(c.client.awaitStopped(Duration.ofSeconds(20))).isTrue();
            assertThat(c.client.state()).isEqualTo(ConsoleClient.State.FAILED);
            assertThat(c.saw(ConnectionEvent.Kind.FAILED, "requires TLS")).as("events %s", c.events).isTrue();
            assertThat(c.output.toString()).isEmpty();
            assertThat(server.auth().refusals()).isEqualTo(1);
            assertThat(backend.inputBytes()).isEmpty();
        }
    }

    @Test
    void aHostCertificateOfAnotherCaStopsTheClient() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        try (ConsoleServer server = tlsServer(backend);
             Client c = new Client(TestSupport.clientConfig(TestSupport.endpoint(server))
                     .withTls(ClientTls.trusting(otherCa)))) {
            assertThat(c.client.awaitStopped(Duration.ofSeconds(20))).isTrue();
            assertThat(c.saw(ConnectionEvent.Kind.FAILED, "certificate")).as("events %s", c.events).isTrue();
        }
    }

    @Test
    void aTlsClientOfAPlainConsoleIsToldTheHandshakeFailed() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        try (ConsoleServer server = TestSupport.server(backend);
             Client c = new Client(TestSupport.clientConfig(TestSupport.endpoint(server))
                     .withTls(ClientTls.trusting(host.trustedCertificates())))) {
            TestSupport.await(() -> c.saw(ConnectionEvent.Kind.DISCONNECTED, "TLS handshake"),
                    "a disconnection that names the TLS handshake");
            assertThat(c.client.state()).isNotEqualTo(ConsoleClient.State.CONNECTED);
        }
    }

    /**
     * A host that freezes after the TLS handshake (no byte more, no socket closed) is left for another within the
     * client's peer timeout, counted from the end of the handshake; until then the keepalive keeps a quiet connection
     * up.
     */
    @Test
    void aServerThatFreezesAfterTheHandshakeIsLeftWithinThePeerTimeout() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput("prompt> ".getBytes(StandardCharsets.US_ASCII));
        try (ConsoleServer server = tlsServer(backend);
             StallingRelay relay = new StallingRelay(TestSupport.endpoint(server));
             Client c = new Client(TestSupport.clientConfig(relay.endpoint())
                     .withTls(ClientTls.trusting(host.trustedCertificates()))
                     .withKeepalive(Duration.ofMillis(20), Duration.ofMillis(250)))) {
            TestSupport.await(() -> c.output.toString().equals("prompt> "), "output over TLS through the relay");
            Thread.sleep(600); // quiet, but kept up by PING/PONG
            assertThat(c.saw(ConnectionEvent.Kind.DISCONNECTED, "")).isFalse();
            long frozen = System.nanoTime();
            relay.stall();
            TestSupport.await(() -> c.saw(ConnectionEvent.Kind.DISCONNECTED, "peer silent"),
                    "the frozen host left as silent");
            assertThat((System.nanoTime() - frozen) / 1_000_000).isLessThan(5_000);
        }
    }

    /** A TCP relay to {@code target} that, once stalled, forwards nothing more and closes nothing. */
    private static final class StallingRelay implements AutoCloseable {
        private final java.net.ServerSocket listener;
        private final List<java.net.Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean stalled;

        StallingRelay(io.ftvm.replication.console.Endpoint target) throws java.io.IOException {
            listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        java.net.Socket in = listener.accept();
                        java.net.Socket out = new java.net.Socket(target.host(), target.port());
                        sockets.add(in);
                        sockets.add(out);
                        pump(in, out);
                        pump(out, in);
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        io.ftvm.replication.console.Endpoint endpoint() {
            return new io.ftvm.replication.console.Endpoint("127.0.0.1", listener.getLocalPort());
        }

        void stall() {
            stalled = true;
        }

        private void pump(java.net.Socket from, java.net.Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = from.getInputStream().read(buf)) > 0) {
                        if (stalled) {
                            continue; // swallowed: the far end looks frozen
                        }
                        to.getOutputStream().write(buf, 0, n);
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws java.io.IOException {
            listener.close();
            for (java.net.Socket s : sockets) {
                s.close();
            }
        }
    }
}
