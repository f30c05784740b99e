package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.console.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Planned switchovers on real processes while a client keeps typing: each one hands the primary role to the in-sync
 * backup, which must take over at once (no failure detection), with the old primary's host free to take the next
 * backup. At the end the client's output, read across every switchover with no gap and no duplicate, equals a
 * reference run of exactly the input it sent, all of it acknowledged. Switchovers that must not happen are refused
 * with a named reason: asked of a host that is not the primary, of a VM that is not protected, with a bad timeout.
 */
class SwitchoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Path.of("target", "switchover-it", Long.toString(System.currentTimeMillis()));

    @Test
    void switchOverAgainAndAgainUnderARunningClient() throws Exception {
        int rounds = Integer.getInteger("ftvm.switchover.count", 6);
        long seed = Long.getLong("ftvm.switchover.seed", System.nanoTime());
        System.err.println("SwitchoverIT seed " + seed + " (rerun with -Dftvm.switchover.seed=" + seed + ")");
        Random random = new Random(seed);
        RecordedOutput out = new RecordedOutput();
        List<Double> stallMs = new ArrayList<>();
        List<Double> pausedMs = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(cluster.clientSsl()).build();
            cluster.createVm("kv", "kvstore", 32, "host-1");
            VersionedState first = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60));

            HttpResponse<String> notPrimary = post(http, cluster, first.state().backup(), "{}");
            assertThat(notPrimary.statusCode()).isEqualTo(404);
            assertThat(notPrimary.body()).contains("NOT_PRIMARY_HERE");
            HttpResponse<String> badTimeout = post(http, cluster, first.state().primary(), "{\"timeoutMs\": 0}");
            assertThat(badTimeout.statusCode()).isEqualTo(400);
            assertThat(badTimeout.body()).contains("timeoutMs must be a whole number of milliseconds");

            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv")
                    .withKeepalive(Duration.ofMillis(20), Duration.ofMillis(100)), out,
                    e -> System.err.println("SwitchoverIT client: " + e))) {
                CommandFeeder feeder = new CommandFeeder(client, random.nextLong());
                feeder.startOnceGreeted(out);
                for (int k = 0; k < rounds; k++) {
                    VersionedState s = cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED,
                            Duration.ofSeconds(60));
                    String from = s.state().primary();
                    String to = s.state().backup();
                    Thread.sleep(200 + random.nextInt(300));
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = post(http, cluster, from, "{\"timeoutMs\": 5000}");
                    assertThat(r.statusCode()).as("switchover %d: %s", k, r.body()).isEqualTo(200);
                    JsonNode done = JSON.readTree(r.body());
                    assertThat(done.path("from").asText()).isEqualTo(from);
                    assertThat(done.path("to").asText()).isEqualTo(to);
                    pausedMs.add(done.path("pausedMs").asDouble());
                    VersionedState after = cluster.await("kv", v -> to.equals(v.state().primary()),
                            Duration.ofSeconds(10));
                    assertThat(after.state().epoch()).isGreaterThan(s.state().epoch());
                    Thread.sleep(1_000); // the client's output carries on meanwhile
                    stallMs.add(out.longestSilenceNanos(t0 - 50_000_000L, System.nanoTime()) / 1e6);
                }
                // the old primary's host is not taken for a dead one: with three hosts, the VM is protected again
                cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
                feeder.stop();
                assertThat(client.awaitInputAcked(Duration.ofSeconds(60))).as("all input acknowledged").isTrue();
                byte[] input = feeder.sent();
                String expected = ReferenceRun.output("kvstore", 32, input);
                out.awaitLength(expected.length(), 60_000);
                assertThat(out.gaps()).as("output by offset has no gap and no duplicate").isEmpty();
                assertThat(out.text()).isEqualTo(expected);
            }
        }
        stallMs.sort(null);
        pausedMs.sort(null);
        System.err.printf("SwitchoverIT: %d switchovers, client stall p50 %.0f ms, max %.0f ms; VM paused p50 %.1f ms,"
                + " max %.1f ms%n", stallMs.size(), stallMs.get(stallMs.size() / 2), stallMs.get(stallMs.size() - 1),
                pausedMs.get(pausedMs.size() / 2), pausedMs.get(pausedMs.size() - 1));
    }

    @Test
    void anUnprotectedVmIsNotSwitchedOver() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir.resolve("alone"), 1)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(cluster.clientSsl()).build();
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.UNPROTECTED, Duration.ofSeconds(60));
            HttpResponse<String> r = post(http, cluster, "host-1", "{}");
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(r.body()).contains("SWITCHOVER_FAILED").contains("needs it PROTECTED");
        }
    }

    private static HttpResponse<String> post(HttpClient http, LocalCluster cluster, String host, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(host) + "/v1/local/vms/kv/switchover"))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
