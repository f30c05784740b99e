package io.ftvm.node.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ftvm.node.admin.AdminApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a VM's live figures from another host's admin endpoint ({@code GET /v1/local/vms/<vm>}), with the
 * cluster's admin token (over HTTPS when this host runs TLS) and a short timeout: a host that does not answer in time leaves its figures out of the
 * answer rather than delaying it.
 */
final class PeerFigures {
    private static final Logger LOG = LoggerFactory.getLogger(PeerFigures.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final HttpClient http;
    private final String token;
    private final Duration timeout;
    private final String scheme;

    /** With {@code tls} (this host's certificate, trusting the cluster CA) the peers are asked over HTTPS. */
    PeerFigures(String token, Duration timeout, javax.net.ssl.SSLContext tls) {
        this.token = token;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.scheme = tls == null ? "http://" : "https://";
    }

    CompletableFuture<Optional<Map<String, Object>>> figures(String adminAddress, String vmId) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(scheme + adminAddress + "/v1/local/vms/" + vmId))
                .timeout(timeout).header("Authorization", "Bearer " + token).GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                return Optional.<Map<String, Object>>empty();
            }
            try {
                return Optional.of(AdminApi.JSON.readValue(r.body(), MAP));
            } catch (java.io.IOException e) {
                LOG.debug("figures of {} from {}: {}", vmId, adminAddress, e.toString());
                return Optional.<Map<String, Object>>empty();
            }
        }).exceptionally(e -> {
            LOG.debug("figures of {} from {}: {}", vmId, adminAddress, e.toString());
            return Optional.empty();
        });
    }
}
