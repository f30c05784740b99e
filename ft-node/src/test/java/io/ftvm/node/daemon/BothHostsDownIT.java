package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Both hosts of a protected pair die at once (SIGKILL) and one comes back: no running copy of the VM is left, and
 * a restarted ftd never boots a VM afresh on its own (that would lose its state silently). The status must say so —
 * the VM is STOPPED, naming the restart and how to start it again — instead of PROTECTED or UNPROTECTED on a host that
 * runs nothing; and the operator's start boots it and, once the other host is back, protects it again.
 */
class BothHostsDownIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Path.of("target", "both-hosts-down-it", Long.toString(System.currentTimeMillis()));

    @Test
    void aPairKilledTogetherIsReportedStoppedAndCanBeStartedAgain() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 2)) {
            HttpClient http = AdminHttp.client(cluster);
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            JsonNode before = vm(http, cluster, "host-1");
            assertThat(before.path("status").asText()).isEqualTo("PROTECTED");

            cluster.kill("host-1");
            cluster.kill("host-2");
            cluster.start("host-1");

            long end = System.nanoTime() + 60_000_000_000L;
            JsonNode now = null;
            while (System.nanoTime() < end) {
                try {
                    now = vm(http, cluster, "host-1");
                    if (now.path("status").asText().equals("STOPPED")) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // host-1 is still starting
                }
                Thread.sleep(200);
            }
            assertThat(now).as("host-1 answers").isNotNull();
            assertThat(now.path("status").asText()).as("status after both hosts died: %s", now).isEqualTo("STOPPED");
            assertThat(now.toString()).contains("host-1").contains("restarted").contains("ftctl vm start");

            // the operator starts it again: booted afresh on the host that is up, protected once host-2 is back
            HttpResponse<String> start = AdminHttp.post(http, cluster, "host-1", "/vms/kv/start", "{}");
            assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
            cluster.await("kv", s -> "host-1".equals(s.state().primary()), Duration.ofSeconds(60));
            cluster.start("host-2");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(90));
            assertThat(vm(http, cluster, "host-1").path("status").asText()).isEqualTo("PROTECTED");
        }
    }

    private static JsonNode vm(HttpClient http, LocalCluster cluster, String host) throws Exception {
        HttpResponse<String> r = AdminHttp.get(http, cluster, host, "/vms/kv");
        if (r.statusCode() != 200) {
            throw new java.io.IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
