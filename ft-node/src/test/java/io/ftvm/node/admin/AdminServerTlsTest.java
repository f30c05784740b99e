package io.ftvm.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * HTTPS with the test PKI's host certificate: a round trip with a client that trusts the test CA; plain HTTP sent to
 * the HTTPS port is answered 400 TLS_REQUIRED (never served) and cut off; nothing at all is cut off by the timer.
 */
class AdminServerTlsTest {
    private static final String TOKEN = "0123456789abcdef-token";

    private static Path resource(String name) throws Exception {
        return Path.of(AdminServerTlsTest.class.getResource("/tls/" + name).toURI());
    }

    private static SSLContext trustingTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = AdminServerTlsTest.class.getResourceAsStream("/tls/ca.pem")) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    @Test
    void servesHttpsAndCutsOffPlainHttp() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        AdminServerConfig config = AdminServerConfig.defaults()
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30))
                .withTls(SslContextBuilder.forServer(resource("primary.pem").toFile(),
                        resource("primary.key").toFile()).build());
        try (AdminServer s = new AdminServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN,
                metrics, () -> new AdminServer.Health(true, Map.of("host", "host-a")), new EchoApi(), config)) {
            HttpClient https = HttpClient.newBuilder().sslContext(trustingTestCa())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + s.address().getPort();
            HttpResponse<String> live = https.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"up\"}");
            HttpResponse<byte[]> stream = https.send(HttpRequest.newBuilder(URI.create(base + "/v1/stream/300000"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.body()).hasSize(300_000);
            assertThat(stream.body()[299_999]).isEqualTo((byte) (299_999 % 251));

            try (RawHttp plain = new RawHttp(s.address())) { // answered in plain text with what to do, then closed
                RawHttp.Reply r = plain.send("GET /v1/status HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
                        + "\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.body()).contains("TLS_REQUIRED").contains("HTTPS only").doesNotContain("echo");
                assertThat(plain.closedWithin(Duration.ofSeconds(5))).as("plain HTTP cut off").isTrue();
            }
            assertThat(metrics.counter("ftvm_admin_limited_total{reason=tls}").getCount()).isEqualTo(1);
            try (RawHttp silent = new RawHttp(s.address())) { // never starts the handshake
                assertThat(silent.closedWithin(Duration.ofSeconds(10))).as("silent client cut off").isTrue();
            }
            assertThat(metrics.counter("ftvm_admin_limited_total{reason=read_timeout}").getCount()).isEqualTo(1);
        }
    }
}
