package io.ftvm.node.admin;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * How the admin endpoint guards itself against slow, stuck or too many clients.
 *
 * @param readTimeout        a connection must deliver a complete request (TLS handshake, head and body) within this
 *                           long of its first byte (or of connecting); otherwise it is closed
 * @param idleTimeout        a keep-alive connection with no new request for this long is closed
 * @param writeTimeout       a client that takes no response bytes for this long is disconnected (a stuck reader
 *                           must not hold a worker thread or memory)
 * @param maxConnections     open connections beyond this are closed at once
 * @param maxHeaderBytes     the request line and the header fields are each limited to this (beyond: 414/431)
 * @param maxBodyBytes       request bodies beyond this get 413
 * @param apiThreads         threads serving {@code /v1/} (blocking ZooKeeper and peer calls); {@code /health} and
 *                           {@code /metrics} have two threads of their own, so a slow API never delays them
 * @param maxQueuedRequests  requests waiting for a thread, per pool; beyond: 503
 * @param sslContext         a server TLS context for HTTPS, or null for plain HTTP
 */
public record AdminServerConfig(Duration readTimeout, Duration idleTimeout, Duration writeTimeout,
        int maxConnections, int maxHeaderBytes, int maxBodyBytes, int apiThreads, int maxQueuedRequests,
        SslContext sslContext) {

    public AdminServerConfig {
        positive("readTimeout", readTimeout);
        positive("idleTimeout", idleTimeout);
        positive("writeTimeout", writeTimeout);
        atLeast("maxConnections", maxConnections, 1);
        atLeast("maxHeaderBytes", maxHeaderBytes, 256);
        atLeast("maxBodyBytes", maxBodyBytes, 0);
        atLeast("apiThreads", apiThreads, 1);
        atLeast("maxQueuedRequests", maxQueuedRequests, 1);
        if (sslContext != null && !sslContext.isServer()) {
            throw new IllegalArgumentException("sslContext must be a server context");
        }
    }

    /** 5 s to send a request, 60 s idle keep-alive, 30 s write stall, 256 connections, 8 KiB heads, 64 KiB bodies. */
    public static AdminServerConfig defaults() {
        return new AdminServerConfig(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30), 256,
                8 << 10, 64 << 10, 8, 64, null);
    }

    /** This config serving HTTPS with {@code context} (null: plain HTTP). */
    public AdminServerConfig withTls(SslContext context) {
        return new AdminServerConfig(readTimeout, idleTimeout, writeTimeout, maxConnections, maxHeaderBytes,
                maxBodyBytes, apiThreads, maxQueuedRequests, context);
    }

    public AdminServerConfig withTimeouts(Duration read, Duration idle, Duration write) {
        return new AdminServerConfig(read, idle, write, maxConnections, maxHeaderBytes, maxBodyBytes, apiThreads,
                maxQueuedRequests, sslContext);
    }

    public AdminServerConfig withMaxConnections(int max) {
        return new AdminServerConfig(readTimeout, idleTimeout, writeTimeout, max, maxHeaderBytes, maxBodyBytes,
                apiThreads, maxQueuedRequests, sslContext);
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " " + d + " must be positive");
        }
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " " + value + " must be at least " + min);
        }
    }
}
