package io.ftvm.node.admin;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ftd's admin endpoint (HTTP, JSON): {@code GET /health} (200 when the host can act, 503 otherwise, with the
 * details) and {@code GET /metrics} (the host's Dropwizard metrics in Prometheus text format). Every request must
 * carry {@code Authorization: Bearer <token>}; a missing or wrong token gets 401 and is counted
 * ({@code ftd.admin.refused}).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code /health} reports: whether the host is healthy, and the details. */
    public record Health(boolean healthy, Map<String, Object> details) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ftd-admin");
        t.setDaemon(true);
        return t;
    });
    private final byte[] token;
    private final Counter refused;
    private final CollectorRegistry prometheus = new CollectorRegistry();

    /**
     * Listens on {@code bind} (port 0: any free port).
     *
     * @throws IOException when the address cannot be bound
     */
    public AdminServer(InetSocketAddress bind, String token, MetricRegistry metrics, Supplier<Health> health)
            throws IOException {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the admin token must have at least 16 characters");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.refused = metrics.counter("ftd.admin.refused");
        prometheus.register(new DropwizardExports(metrics));
        server = HttpServer.create(bind, 16);
        server.createContext("/metrics", ex -> handle(ex, () -> metricsPage()));
        server.createContext("/health", ex -> handle(ex, () -> healthPage(health.get())));
        server.setExecutor(executor);
        server.start();
        LOG.info("admin endpoint listening on {}", address());
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private record Page(int status, String contentType, String body) {
    }

    @FunctionalInterface
    private interface PageSource {
        Page get() throws IOException;
    }

    private void handle(HttpExchange ex, PageSource page) throws IOException {
        try (ex) {
            Page p;
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                refused.inc();
                LOG.warn("admin request {} {} from {} refused: missing or wrong token", ex.getRequestMethod(),
                        ex.getRequestURI(), ex.getRemoteAddress());
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                p = new Page(401, "application/json", "{\"error\":\"missing or wrong bearer token\"}");
            } else if (!ex.getRequestMethod().equals("GET")) {
                p = new Page(405, "application/json", "{\"error\":\"only GET is supported\"}");
            } else if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
                p = new Page(404, "application/json", "{\"error\":\"no such resource\"}");
            } else {
                p = page.get();
            }
            byte[] body = p.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", p.contentType());
            ex.sendResponseHeaders(p.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token); // constant time
    }

    private Page metricsPage() throws IOException {
        StringWriter w = new StringWriter();
        TextFormat.write004(w, prometheus.metricFamilySamples());
        return new Page(200, TextFormat.CONTENT_TYPE_004, w.toString());
    }

    private static Page healthPage(Health h) throws IOException {
        return new Page(h.healthy() ? 200 : 503, "application/json", JSON.writeValueAsString(
                Map.of("status", h.healthy() ? "UP" : "DOWN", "details", h.details())));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
