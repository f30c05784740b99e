package io.ftvm.node.admin;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ftvm.node.metrics.RegistryCollector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.InputStream;
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
 * details), {@code GET /metrics} (the host's Dropwizard metrics in Prometheus text format, see
 * {@link RegistryCollector}) and the operations API under {@code /v1/} ({@link AdminApi}). Every request must carry
 * {@code Authorization: Bearer <token>}; a missing or wrong token gets 401 and is counted
 * ({@code ftvm_admin_refused_total}). Request bodies are limited to 64 KiB.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 << 10;

    /** What {@code /health} reports: whether the host is healthy, and the details. */
    public record Health(boolean healthy, Map<String, Object> details) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "ftd-admin");
        t.setDaemon(true);
        return t;
    });
    private final byte[] token;
    private final Counter refused;
    private final CollectorRegistry prometheus = new CollectorRegistry();
    private final Supplier<Health> health;
    private final AdminApi api;

    /**
     * Listens on {@code bind} (port 0: any free port); {@code api} serves {@code /v1/} (null: not served).
     *
     * @throws IOException when the address cannot be bound
     */
    public AdminServer(InetSocketAddress bind, String token, MetricRegistry metrics, Supplier<Health> health,
            AdminApi api) throws IOException {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the admin token must have at least 16 characters");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.refused = metrics.counter("ftvm_admin_refused_total");
        this.health = health;
        this.api = api;
        prometheus.register(new RegistryCollector(metrics));
        server = HttpServer.create(bind, 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("admin endpoint listening on {}", address());
    }

    /** Health and metrics only. */
    public AdminServer(InetSocketAddress bind, String token, MetricRegistry metrics, Supplier<Health> health)
            throws IOException {
        this(bind, token, metrics, health, null);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            AdminApi.Response r;
            try {
                r = route(ex);
            } catch (RuntimeException e) {
                LOG.error("admin request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                r = AdminApi.Response.error(500, "INTERNAL", "internal error (see the ftd log)");
            }
            ex.getResponseHeaders().add("Content-Type", r.contentType());
            if (r.status() == 401) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            }
            if (r.stream() != null) {
                ex.sendResponseHeaders(r.status(), 0); // chunked
                try (OutputStream out = ex.getResponseBody()) {
                    r.stream().writeTo(out);
                }
                return;
            }
            byte[] body = r.body();
            ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private AdminApi.Response route(HttpExchange ex) throws IOException {
        if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
            refused.inc();
            LOG.warn("admin request {} {} from {} refused: missing or wrong token", ex.getRequestMethod(),
                    ex.getRequestURI(), ex.getRemoteAddress());
            return AdminApi.Response.error(401, "UNAUTHORIZED", "missing or wrong bearer token");
        }
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/metrics") || path.equals("/health")) {
            if (!method.equals("GET")) {
                return AdminApi.Response.error(405, "METHOD_NOT_ALLOWED", "only GET is supported on " + path);
            }
            return path.equals("/metrics") ? metricsPage() : healthPage(health.get());
        }
        if (api != null && path.startsWith("/v1/")) {
            byte[] body = readBody(ex.getRequestBody());
            if (body == null) {
                return AdminApi.Response.error(413, "TOO_LARGE", "request body over " + MAX_BODY + " bytes");
            }
            return api.handle(method, path.substring("/v1".length()), ex.getRequestURI().getRawQuery(), body);
        }
        return AdminApi.Response.error(404, "NOT_FOUND", "no such resource: " + path);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        return b.length > MAX_BODY ? null : b;
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
            return false; // the scheme is case-insensitive (RFC 9110)
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token); // constant time
    }

    private AdminApi.Response metricsPage() throws IOException {
        StringWriter w = new StringWriter();
        TextFormat.write004(w, prometheus.metricFamilySamples());
        return new AdminApi.Response(200, TextFormat.CONTENT_TYPE_004, w.toString().getBytes(StandardCharsets.UTF_8),
                null);
    }

    private static AdminApi.Response healthPage(Health h) throws IOException {
        return new AdminApi.Response(h.healthy() ? 200 : 503, "application/json", JSON.writeValueAsBytes(
                Map.of("status", h.healthy() ? "UP" : "DOWN", "details", h.details())), null);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
