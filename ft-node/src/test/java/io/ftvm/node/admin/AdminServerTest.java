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

/** The admin endpoint over real HTTP on loopback: token required and counted, metrics in Prometheus text, health. */
class AdminServerTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(AdminServer s, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.address().getPort() + path))
                .timeout(Duration.ofSeconds(10));
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
            assertThat(get(s, "/health", null).statusCode()).isEqualTo(401);
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
            healthy.set(false);
            assertThat(get(s, "/health", TOKEN).statusCode()).isEqualTo(503);
            assertThat(get(s, "/metrics/other", TOKEN).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aShortTokenIsRefusedAtStart() {
        assertThatThrownBy(() -> new AdminServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "short",
                new MetricRegistry(), () -> new AdminServer.Health(true, Map.of())))
                .hasMessageContaining("at least 16 characters");
    }
}
