package io.ftvm.node.admin;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.node.metrics.RegistryCollector;
import io.ftvm.replication.console.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ftd's admin endpoint (HTTP or HTTPS, JSON) on Netty: {@code GET /health}, {@code GET /metrics} (the host's
 * Dropwizard metrics in Prometheus text format, see {@link RegistryCollector}) and the operations API under
 * {@code /v1/} ({@link AdminApi}).
 *
 * <p>{@code /health} without an {@code Authorization} header is a liveness probe: 200 {@code {"status":"up"}} or 503
 * {@code {"status":"down"}}, nothing else. Every other request, and {@code /health} with details, must carry
 * {@code Authorization: Bearer <token>} (compared in constant time); a missing or wrong token gets 401 and is counted
 * ({@code ftvm_admin_refused_total}).
 *
 * <p>Guards ({@link AdminServerConfig}): a request must arrive in full within the read timeout, idle keep-alive
 * connections are closed, connections beyond the limit are closed at once, heads and bodies are bounded (431/414,
 * 413). Requests run off the event loop on bounded pools, one for {@code /v1/} and one for health and metrics, so a
 * slow API call never delays a probe or a scrape. Refusals are counted ({@code ftvm_admin_limited_total{reason}})
 * and logged at most once per reason every {@value #LOG_INTERVAL_SECONDS} s.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_INTERVAL_SECONDS = 5;
    private static final int PROBE_THREADS = 2;

    /** What {@code /health} reports: whether the host is healthy, and the details. */
    public record Health(boolean healthy, Map<String, Object> details) {
    }

    /** Why a connection or request was refused, with the counter it goes to. */
    enum Refusal {
        UNAUTHORIZED("ftvm_admin_refused_total"),
        CONNECTIONS("ftvm_admin_limited_total{reason=connections}"),
        READ_TIMEOUT("ftvm_admin_limited_total{reason=read_timeout}"),
        WRITE_TIMEOUT("ftvm_admin_limited_total{reason=write_timeout}"),
        HEAD_TOO_LARGE("ftvm_admin_limited_total{reason=head_too_large}"),
        BODY_TOO_LARGE("ftvm_admin_limited_total{reason=body_too_large}"),
        BAD_REQUEST("ftvm_admin_limited_total{reason=bad_request}"),
        BUSY("ftvm_admin_limited_total{reason=busy}"),
        TLS("ftvm_admin_limited_total{reason=tls}");

        final String metric;

        Refusal(String metric) {
            this.metric = metric;
        }
    }

    /**
     * One decoded request, copied off its buffers (it crosses to a worker thread): {@code path} decoded (routing),
     * {@code target} as sent (logs).
     */
    record Request(String method, String path, String rawQuery, String target, String authorization, byte[] body,
            String remote) {
        boolean probe() {
            return !path.startsWith("/v1/");
        }

        /** Method and target for a log line. */
        String describe() {
            return printable(method + " " + target);
        }
    }

    /** A client's text made safe for a log line: control characters replaced, at most 200 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 200 ? b.append("...").toString() : b.toString();
    }

    private final AdminServerConfig config;
    private final byte[] token;
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final RefusalLog refusalLog = new RefusalLog(Duration.ofSeconds(LOG_INTERVAL_SECONDS), System::nanoTime,
            LOG::warn);
    private final CollectorRegistry prometheus = new CollectorRegistry();
    private final Supplier<Health> health;
    private final AdminApi api;
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup("ftd-admin", GlobalEventExecutor.INSTANCE);
    private final ExecutorService probeWorkers;
    private final ExecutorService apiWorkers;
    private final EventLoopGroup group;
    private final Channel server;

    /**
     * Listens on {@code bind} (port 0: any free port); {@code api} serves {@code /v1/} (null: not served).
     *
     * @throws IOException when the address cannot be bound
     */
    public AdminServer(InetSocketAddress bind, String token, MetricRegistry metrics, Supplier<Health> health,
            AdminApi api, AdminServerConfig config) throws IOException {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the admin token must have at least 16 characters");
        }
        this.config = config;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        for (Refusal r : Refusal.values()) {
            refusals.put(r, metrics.counter(r.metric));
        }
        this.health = health;
        this.api = api;
        prometheus.register(new RegistryCollector(metrics));
        probeWorkers = pool("ftd-admin-probe", PROBE_THREADS, config.maxQueuedRequests());
        apiWorkers = pool("ftd-admin-api", config.apiThreads(), config.maxQueuedRequests());
        group = Transports.group(1);
        try {
            server = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new AdminServerInitializer(this))
                    .bind(bind).sync().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            shutDown();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while binding the admin endpoint to " + bind);
            }
            throw e instanceof IOException io ? io : new IOException("cannot bind the admin endpoint to " + bind, e);
        }
        LOG.info("admin endpoint listening on {} ({})", address(), config.sslContext() == null ? "HTTP" : "HTTPS");
    }

    /** Listens with the default limits over plain HTTP. */
    public AdminServer(InetSocketAddress bind, String token, MetricRegistry metrics, Supplier<Health> health,
            AdminApi api) throws IOException {
        this(bind, token, metrics, health, api, AdminServerConfig.defaults());
    }

    /** Health and metrics only. */
    public AdminServer(InetSocketAddress bind, String token, MetricRegistry metrics, Supplier<Health> health)
            throws IOException {
        this(bind, token, metrics, health, null);
    }

    private static ExecutorService pool(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public AdminServerConfig config() {
        return config;
    }

    /** Open client connections. */
    public int connectionCount() {
        return open.get();
    }

    /** Takes a new connection unless the limit is reached; a connection taken is released when it closes. */
    boolean admit(Channel ch) {
        if (open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            refuse(Refusal.CONNECTIONS, "connection from " + ch.remoteAddress() + " closed: already "
                    + config.maxConnections() + " connections open");
            return false;
        }
        channels.add(ch);
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** Counts a refusal and logs it (rate-limited per reason). */
    void refuse(Refusal reason, String message) {
        refusals.get(reason).inc();
        refusalLog.refused(reason.name(), "admin endpoint: " + message);
    }

    /** The pool a request runs on: probes (health, metrics, errors) apart from the API. */
    ExecutorService workersFor(Request r) {
        return r.probe() ? probeWorkers : apiWorkers;
    }

    /** Serves one request (on a worker thread). */
    AdminApi.Response route(Request r) {
        try {
            return answer(r);
        } catch (IOException | RuntimeException e) {
            LOG.error("admin request {} failed", r.describe(), e);
            return AdminApi.Response.error(500, "INTERNAL", "internal error (see the ftd log)");
        }
    }

    private AdminApi.Response answer(Request r) throws IOException {
        if (r.path().equals("/health") && r.authorization() == null) {
            if (!r.method().equals("GET")) {
                return AdminApi.Response.error(405, "METHOD_NOT_ALLOWED", "only GET is supported on /health");
            }
            boolean up = health.get().healthy();
            return new AdminApi.Response(up ? 200 : 503, "application/json",
                    JSON.writeValueAsBytes(Map.of("status", up ? "up" : "down")), null);
        }
        if (!authorized(r.authorization())) {
            refuse(Refusal.UNAUTHORIZED, "request " + r.describe() + " from " + r.remote()
                    + " refused: missing or wrong token");
            return AdminApi.Response.error(401, "UNAUTHORIZED", "missing or wrong bearer token");
        }
        String path = r.path();
        if (path.equals("/metrics") || path.equals("/health")) {
            if (!r.method().equals("GET")) {
                return AdminApi.Response.error(405, "METHOD_NOT_ALLOWED", "only GET is supported on " + path);
            }
            return path.equals("/metrics") ? metricsPage() : healthPage(health.get());
        }
        if (api != null && path.startsWith("/v1/")) {
            return api.handle(r.method(), path.substring("/v1".length()), r.rawQuery(), r.body());
        }
        return AdminApi.Response.error(404, "NOT_FOUND", "no such resource: " + path);
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

    /** Stops listening, closes every connection, stops the workers (bounded waits). */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutDown();
        LOG.info("admin endpoint {} closed", server.localAddress());
    }

    private void shutDown() {
        probeWorkers.shutdownNow();
        apiWorkers.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
