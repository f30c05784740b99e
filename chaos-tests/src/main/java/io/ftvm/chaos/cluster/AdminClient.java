package io.ftvm.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads a host's admin endpoint ({@code /health} and {@code /metrics}, with the bearer token) at its bound address
 * (past the relays, so relay latency does not slow the harness's checks), bounded by a 2 s timeout.
 */
public final class AdminClient {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final String token;

    /** A client with the hosts' admin token, over HTTPS trusting {@code tls} (the cluster CA). */
    public AdminClient(String token, javax.net.ssl.SSLContext tls) {
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(tls).build();
    }

    /**
     * The host's {@code /health}: whether it says UP, and its part in each VM ({@code primary:PROTECTED},
     * {@code backup:REPLAYING}, ...); empty when it does not answer.
     */
    public Optional<HostHealth> health(FtdHost host) throws InterruptedException {
        try {
            HttpResponse<String> resp = http.send(request(host, "/health"), HttpResponse.BodyHandlers.ofString());
            JsonNode root = json.readTree(resp.body());
            Map<String, String> vms = new TreeMap<>();
            root.path("details").path("vms").properties().forEach(e -> vms.put(e.getKey(), e.getValue().asText()));
            return Optional.of(new HostHealth("UP".equals(root.path("status").asText()), vms));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A host's health: UP or not, and its role in each VM it knows. */
    public record HostHealth(boolean up, Map<String, String> vms) {
    }

    private HttpRequest request(FtdHost host, String path) {
        return HttpRequest.newBuilder(URI.create("https://" + host.bindAddress() + ":" + host.adminPort() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(2)).build();
    }

    /**
     * The sum of {@code ftvm_digest_mismatches_total} over the host's VMs (0 when no VM has exported it yet), or empty
     * when the host does not answer.
     */
    public OptionalLong digestMismatches(FtdHost host) throws InterruptedException {
        HttpRequest r = request(host, "/metrics");
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                return OptionalLong.empty();
            }
            long sum = 0;
            for (String line : resp.body().split("\n")) {
                if (line.startsWith("ftvm_digest_mismatches_total")) {
                    sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return OptionalLong.of(sum);
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
