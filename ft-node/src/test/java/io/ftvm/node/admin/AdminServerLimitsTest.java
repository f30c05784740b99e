package io.ftvm.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint under hostile or careless clients, over loopback: slow-loris connections, too many connections,
 * oversized heads and bodies, idle keep-alive connections, slow API calls. Every wait is bounded.
 */
class AdminServerLimitsTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MetricRegistry metrics = new MetricRegistry();
    private final EchoApi api = new EchoApi();
    private final List<RawHttp> raws = new ArrayList<>();
    private AdminServer server;

    private AdminServer start(AdminServerConfig config) throws Exception {
        server = new AdminServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, metrics,
                () -> new AdminServer.Health(true, Map.of("host", "host-a")), api, config);
        return server;
    }

    @AfterEach
    void tearDown() throws Exception {
        api.release.countDown();
        for (RawHttp r : raws) {
            r.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawHttp raw() throws Exception {
        RawHttp r = new RawHttp(server.address());
        raws.add(r);
        return r;
    }

    private HttpResponse<String> get(String path, String token, Duration timeout) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long limited(String reason) {
        return metrics.counter("ftvm_admin_limited_total{reason=" + reason + "}").getCount();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !condition.getAsBoolean(); Thread.sleep(10)) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
        }
    }

    @Test
    void slowLorisConnectionsNeitherStarveHealthNorMetricsAndAreClosedAfterTheReadTimeout() throws Exception {
        start(AdminServerConfig.defaults().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(60),
                Duration.ofSeconds(30)));
        assertThat(get("/health", null, Duration.ofSeconds(10)).statusCode()).isEqualTo(200); // warms the client up
        for (int i = 0; i < 50; i++) {
            raw().send(i % 2 == 0 ? "G" : "GET /metrics HTTP/1.1\r\nHost: a\r\n"); // a byte, or a partial head
        }
        await(() -> server.connectionCount() >= 51);

        HttpResponse<String> health = get("/health", null, Duration.ofSeconds(1));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"up\"}");
        HttpResponse<String> scrape = get("/metrics", TOKEN, Duration.ofSeconds(1));
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("ftvm_admin_limited_total{reason=\"read_timeout\",} 0.0");

        for (RawHttp r : raws) {
            assertThat(r.closedWithin(Duration.ofSeconds(10))).as("closed by the server").isTrue();
        }
        assertThat(limited("read_timeout")).isEqualTo(50);
        assertThat(get("/health", null, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndCounted() throws Exception {
        start(AdminServerConfig.defaults().withMaxConnections(4).withTimeouts(Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(30)));
        for (int i = 0; i < 4; i++) {
            raw();
        }
        await(() -> server.connectionCount() == 4);
        RawHttp excess = raw();
        assertThat(excess.closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(limited("connections")).isEqualTo(1);

        raws.get(0).close();
        await(() -> server.connectionCount() == 3);
        RawHttp.Reply r = raw().send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void anOversizedBodyGets413AndTheLimitItselfIsAccepted() throws Exception {
        start(AdminServerConfig.defaults());
        RawHttp.Reply r = raw().send("POST /v1/echo HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + ((64 << 10) + 1) + "\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":\"TOO_LARGE\"");
        assertThat(raws.get(0).closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(limited("body_too_large")).isEqualTo(1);

        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + "/v1/echo?x=1")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[64 << 10])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"bodyBytes\":65536").contains("\"query\":\"x=1\"");
    }

    @Test
    void oversizedOrMalformedHeadsAreRefusedAndTheConnectionClosed() throws Exception {
        start(AdminServerConfig.defaults());
        RawHttp headers = raw();
        assertThat(headers.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Filler: " + "a".repeat(9_000) + "\r\n\r\n")
                .read().status()).isEqualTo(431);
        assertThat(headers.closedWithin(Duration.ofSeconds(5))).isTrue();
        RawHttp line = raw();
        assertThat(line.send("GET /" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: a\r\n\r\n").read().status())
                .isEqualTo(414);
        assertThat(line.closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(limited("head_too_large")).isEqualTo(2);

        RawHttp garbage = raw();
        assertThat(garbage.send("GARBAGE\r\n\r\n").read().status()).isEqualTo(400);
        assertThat(garbage.closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(limited("bad_request")).isEqualTo(1);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedWithoutCountingARefusal() throws Exception {
        start(AdminServerConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300),
                Duration.ofSeconds(30)));
        RawHttp r = raw();
        for (int i = 0; i < 2; i++) { // keep-alive: two requests on one connection
            assertThat(r.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(r.closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(limited("read_timeout")).isZero();
    }

    @Test
    void slowApiCallsDelayNeitherProbesNorScrapesAndAFullQueueGets503() throws Exception {
        start(new AdminServerConfig(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30), 256,
                8 << 10, 64 << 10, 1, 1, null));
        String slow = "GET /v1/slow HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n";
        RawHttp first = raw().send(slow);
        assertThat(api.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
        RawHttp second = raw().send(slow); // queued (the one thread is busy) ...
        RawHttp third = raw().send(slow); // ... or this one: one of the two finds the queue full

        assertThat(get("/health", null, Duration.ofSeconds(1)).statusCode()).isEqualTo(200);
        assertThat(get("/health", TOKEN, Duration.ofSeconds(1)).body()).contains("\"host\":\"host-a\"");
        assertThat(get("/metrics", TOKEN, Duration.ofSeconds(1)).statusCode()).isEqualTo(200);

        CompletableFuture<Integer> secondStatus = CompletableFuture.supplyAsync(() -> status(second));
        CompletableFuture<Integer> thirdStatus = CompletableFuture.supplyAsync(() -> status(third));
        await(() -> limited("busy") == 1);
        api.release.countDown();
        assertThat(first.read().status()).isEqualTo(200);
        assertThat(List.of(secondStatus.get(10, TimeUnit.SECONDS), thirdStatus.get(10, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder(200, 503);
    }

    @Test
    void aClientThatStopsReadingAStreamIsDisconnectedAndFreesTheWorker() throws Exception {
        start(new AdminServerConfig(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMillis(500), 256,
                8 << 10, 64 << 10, 1, 1, null));
        raw().send("GET /v1/stream/200000000 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
                + "\r\n\r\n"); // and never read
        await(() -> limited("write_timeout") == 1);
        assertThat(raws.get(0).closedWithin(Duration.ofSeconds(10))).isTrue();
        HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + "/v1/echo")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(next.statusCode()).as("the one API worker is free again").isEqualTo(200);
    }

    private static int status(RawHttp r) {
        try {
            return r.read().status();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
