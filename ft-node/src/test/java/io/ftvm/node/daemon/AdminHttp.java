package io.ftvm.node.daemon;

import io.ftvm.node.demo.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin API of a {@link LocalCluster}'s host, as the fault ITs call it (the admin token, bounded waits). */
final class AdminHttp {
    private AdminHttp() {
    }

    /** An HTTP client that trusts the cluster's CA. */
    static HttpClient client(LocalCluster cluster) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(cluster.clientSsl()).build();
    }

    /** {@code GET /v1PATH} on {@code host}. */
    static HttpResponse<String> get(HttpClient http, LocalCluster cluster, String host, String path)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(host) + "/v1" + path))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /v1PATH} with a JSON {@code body} on {@code host}. */
    static HttpResponse<String> post(HttpClient http, LocalCluster cluster, String host, String path, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(host) + "/v1" + path))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
