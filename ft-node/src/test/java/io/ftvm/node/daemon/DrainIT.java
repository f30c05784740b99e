package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.console.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host maintenance on real processes: draining a host that runs one VM's primary (with a client typing into it) and
 * another VM's backup ends with no role on that host and both VMs protected elsewhere; the primary left by switchover
 * (the client's output has no gap and equals a reference run), and nothing new is placed or started on the drained
 * host until it is undrained. A VM without fault tolerance cannot leave and is reported as blocking the drain.
 */
class DrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Path.of("target", "drain-it", Long.toString(System.currentTimeMillis()));

    @Test
    void drainingAHostMovesEveryRoleOffItWithNothingLost() throws Exception {
        RecordedOutput out = new RecordedOutput();
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(cluster.clientSsl()).build();
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            // host-1 and host-2 now hold 32 MiB each: other's backup goes to the first of equals, host-1
            cluster.createVm("other", "kvstore", 32, "host-3");
            VersionedState o = cluster.await("other", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60));
            System.err.println("DrainIT: before: kv " + cluster.state("kv").state() + "; other " + o.state());
            assertThat(o.state().backup()).as("host-1 holds a backup to move").isEqualTo("host-1");

            HttpResponse<String> unknown = call(http, cluster, "POST", "/hosts/host-9/drain");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("NO_SUCH_HOST").contains("host-9");
            assertThat(call(http, cluster, "POST", "/hosts/bad..%2F/drain").statusCode()).isIn(400, 404);

            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv")
                    .withKeepalive(Duration.ofMillis(20), Duration.ofMillis(100)), out,
                    e -> System.err.println("DrainIT client: " + e))) {
                CommandFeeder feeder = new CommandFeeder(client, 42);
                feeder.startOnceGreeted(out);
                Thread.sleep(300);
                HttpResponse<String> drain = call(http, cluster, "POST", "/hosts/host-1/drain");
                assertThat(drain.statusCode()).as(drain.body()).isEqualTo(200);
                JsonNode p = JSON.readTree(drain.body());
                assertThat(p.path("drained").asBoolean()).isTrue();
                assertThat(p.path("changed").asBoolean()).isTrue();
                JsonNode done = awaitDrained(http, cluster, "host-1");
                assertThat(done.path("primaries").size()).isZero();
                assertThat(done.path("backups").size()).isZero();
                for (String vm : List.of("kv", "other")) {
                    VmState s = cluster.await(vm, v -> v.state().status() == VmStatus.PROTECTED,
                            Duration.ofSeconds(60)).state();
                    assertThat(s.primary()).as(vm).isNotEqualTo("host-1");
                    assertThat(s.backup()).as(vm).isNotEqualTo("host-1");
                }
                Thread.sleep(500);
                feeder.stop();
                assertThat(client.awaitInputAcked(Duration.ofSeconds(60))).as("all input acknowledged").isTrue();
                String expected = ReferenceRun.output("kvstore", 32, feeder.sent());
                out.awaitLength(expected.length(), 60_000);
                assertThat(out.gaps()).as("output by offset has no gap and no duplicate").isEmpty();
                assertThat(out.text()).isEqualTo(expected);
            }
            // the status says so, and nothing starts on a drained host
            assertThat(call(http, cluster, "GET", "/status").body()).contains("\"drained\":[\"host-1\"]");
            cluster.createVm("third", new io.ftvm.coordinator.VmSpec("kvstore", 32, List.of("console"),
                    DesiredProtection.NONE), "host-3");
            cluster.await("third", s -> s.state().status() == VmStatus.UNPROTECTED, Duration.ofSeconds(60));
            HttpResponse<String> stopped = call(http, cluster, "POST", "/vms/third/stop");
            assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
            cluster.await("third", s -> s.state().status() == VmStatus.STOPPED, Duration.ofSeconds(60));
            HttpResponse<String> refused = post(http, cluster, "/vms/third/start", "{\"host\":\"host-1\"}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("HOST_DRAINED");

            // undrained, the host takes roles again; a VM without fault tolerance there blocks a new drain
            HttpResponse<String> undrain = call(http, cluster, "POST", "/hosts/host-1/undrain");
            assertThat(JSON.readTree(undrain.body()).path("changed").asBoolean()).isTrue();
            assertThat(post(http, cluster, "/vms/third/start", "{\"host\":\"host-1\"}").statusCode()).isEqualTo(200);
            cluster.await("third", s -> "host-1".equals(s.state().primary()), Duration.ofSeconds(60));
            JsonNode blocked = JSON.readTree(call(http, cluster, "POST", "/hosts/host-1/drain").body());
            assertThat(blocked.path("blockers").path("third").asText()).contains("fault tolerance is off")
                    .contains("ftctl ft on third");
            assertThat(blocked.path("done").asBoolean()).isFalse();
            call(http, cluster, "POST", "/hosts/host-1/undrain");
        }
    }

    private static JsonNode awaitDrained(HttpClient http, LocalCluster cluster, String host) throws Exception {
        long end = System.nanoTime() + 120_000_000_000L;
        String last = "";
        while (System.nanoTime() < end) {
            HttpResponse<String> r = call(http, cluster, "GET", "/hosts/" + host);
            last = r.body();
            JsonNode n = JSON.readTree(last);
            if (n.path("done").asBoolean()) {
                return n;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(host + " still holds roles after 120 s: " + last);
    }

    private static HttpResponse<String> call(HttpClient http, LocalCluster cluster, String method, String path)
            throws Exception {
        return send(http, cluster, method, path, "");
    }

    private static HttpResponse<String> post(HttpClient http, LocalCluster cluster, String path, String body)
            throws Exception {
        return send(http, cluster, "POST", path, body);
    }

    private static HttpResponse<String> send(HttpClient http, LocalCluster cluster, String method, String path,
            String body) throws Exception {
        // asked of host-3, which neither drains nor holds kv's primary: any host answers for the cluster
        return http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl("host-3") + "/v1" + path))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .method(method, body.isEmpty() && method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.isEmpty() ? "{}" : body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
