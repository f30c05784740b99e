package io.ftvm.node.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint over real HTTP on loopback: token required and counted, metrics in Prometheus text, health as
 * a token-free liveness probe and with details for the token's holder.
 */
class AdminServerTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(AdminServer s, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.address().getPort() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndHealthNeedTheToken() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        io.ftvm.primary.VmMetrics vm = io.ftvm.primary.VmMetrics.of(metrics, "kv");
        vm.outputHeld(2_500_000);
        vm.digestsChecked(7);
        metrics.gauge(vm.name("ftvm_role_state", "role", "primary", "state", "PROTECTED"), () -> () -> 1);
        metrics.gauge(vm.name("ftvm_guest_instructions_per_second", "role", "backup"), () -> () -> null); // not applicable: skipped
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (AdminServer s = new AdminServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN,
                metrics, () -> new AdminServer.Health(healthy.get(), Map.of("host", "host-a")))) {
            assertThat(get(s, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(s, "/metrics", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
            assertThat(get(s, "/health", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
            assertThat(metrics.counter("ftvm_admin_refused_total").getCount()).isEqualTo(3);

            HttpResponse<String> m = get(s, "/metrics", TOKEN);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(m.body())
                    .contains("# TYPE ftvm_role_state gauge")
                    .contains("ftvm_role_state{vm=\"kv\",role=\"primary\",state=\"PROTECTED\",} 1.0")
                    .contains("# TYPE ftvm_output_hold_seconds summary")
                    .contains("ftvm_output_hold_seconds{vm=\"kv\",quantile=\"0.5\",} 0.0025")
                    .contains("ftvm_output_hold_seconds_count{vm=\"kv\",} 1.0")
                    .contains("# TYPE ftvm_digest_checks_total counter")
                    .contains("ftvm_digest_checks_total{vm=\"kv\",} 7.0")
                    .contains("ftvm_admin_refused_total 3.0")
                    .doesNotContain("ftvm_guest_instructions_per_second");

            HttpResponse<String> h = get(s, "/health", TOKEN);
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.body()).contains("\"status\":\"UP\"").contains("\"host\":\"host-a\"");

            HttpResponse<String> live = get(s, "/health", null); // liveness: no token, no details
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"up\"}");
            assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");

            healthy.set(false);
            assertThat(get(s, "/health", TOKEN).statusCode()).isEqualTo(503);
            HttpResponse<String> down = get(s, "/health", null);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("{\"status\":\"down\"}");
            assertThat(get(s, "/metrics", TOKEN.substring(0, 8)).statusCode()).isEqualTo(401);
            assertThat(metrics.counter("ftvm_admin_refused_total").getCount()).isEqualTo(4);
            assertThat(get(s, "/metrics/other", TOKEN).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void apiRequestsReachTheApiWithTheirQueryAndBodyAndStreamsArriveWhole() throws Exception {
        try (AdminServer s = new AdminServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN,
                new MetricRegistry(), () -> new AdminServer.Health(true, Map.of()), new EchoApi())) {
            HttpResponse<String> echo = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + s.address().getPort() + "/v1/echo/x?a=1&b=%20")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"k\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echo.statusCode()).isEqualTo(200);
            assertThat(echo.body()).isEqualTo(
                    "{\"bodyBytes\":7,\"method\":\"POST\",\"path\":\"/echo/x\",\"query\":\"a=1&b=%20\"}");
            assertThat(get(s, "/v1/echo", null).statusCode()).isEqualTo(401);

            HttpResponse<byte[]> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + s.address().getPort() + "/v1/stream/1000000")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            byte[] b = stream.body();
            assertThat(b).hasSize(1_000_000);
            for (int i = 0; i < b.length; i += 4_099) {
                assertThat(b[i]).isEqualTo((byte) (i % 251));
            }
            assertThat(get(s, "/v1/echo", TOKEN).statusCode()).isEqualTo(200); // the connection is reused after a stream
        }
    }

    @Test
    void aShortTokenIsRefusedAtStart() {
        assertThatThrownBy(() -> new AdminServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "short",
                new MetricRegistry(), () -> new AdminServer.Health(true, Map.of())))
                .hasMessageContaining("at least 16 characters");
    }
}
