package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The primary's host dies while its only backup is still joining (the backup's host hangs at that moment, so the
 * join cannot finish): the record still says SYNCING, but the status must say what happened — PRIMARY_LOST, with what to
 * do — not "STARTING: the backup is being synchronised". A console client of the VM is told the VM is lost and stops
 * instead of retrying forever, and the operator can stop the VM and start it again on the surviving host.
 */
class PrimaryLostIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Path.of("target", "primary-lost-it", Long.toString(System.currentTimeMillis()));

    @Test
    void aPrimaryKilledDuringItsBackupsJoinIsReportedLostAndItsClientsStop() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 2)) {
            HttpClient http = AdminHttp.client(cluster);
            cluster.createVm("kv", new VmSpec("kvstore", 32, List.of("console"), DesiredProtection.NONE), "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.UNPROTECTED, Duration.ofSeconds(60));
            List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
            RecordedOutput out = new RecordedOutput();
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv"), out, events::add)) {
                long attached = System.nanoTime() + 30_000_000_000L;
                while (out.received() == 0 && System.nanoTime() < attached) {
                    Thread.sleep(10);
                }
                assertThat(out.received()).as("the client sees the VM's output").isPositive();

                cluster.setProtection("kv", DesiredProtection.PROTECTED);
                cluster.await("kv", s -> s.state().status() == VmStatus.SYNCING, Duration.ofSeconds(30));
                // within 20 ms of the assignment the backup has not even published its endpoint: hang it (no join
                // can finish), kill the primary's host, and let the backup's host run on
                cluster.freeze("host-2");
                cluster.kill("host-1");
                cluster.thaw("host-2");
                assertThat(cluster.state("kv").state().status()).as("the join never finished")
                        .isEqualTo(VmStatus.SYNCING);

                JsonNode vm = awaitCode(http, cluster, "host-2", "PRIMARY_LOST", Duration.ofSeconds(60));
                assertThat(vm.path("reason").asText()).contains("host-1")
                        .contains("was still being synchronised").contains("ftctl vm stop");

                long stopBy = System.nanoTime() + 60_000_000_000L;
                while (client.state() != ConsoleClient.State.FAILED && System.nanoTime() < stopBy) {
                    Thread.sleep(50);
                }
                assertThat(client.state()).as("the client stopped (events: %s)", events)
                        .isEqualTo(ConsoleClient.State.FAILED);
                assertThat(events.toString()).contains("VM_LOST").contains("no primary");
            }
            // the operator's way out: stop it, start it afresh on the host that is left
            assertThat(AdminHttp.post(http, cluster, "host-2", "/vms/kv/stop", "{}").statusCode()).isEqualTo(200);
            cluster.await("kv", s -> s.state().status() == VmStatus.STOPPED, Duration.ofSeconds(30));
            assertThat(AdminHttp.post(http, cluster, "host-2", "/vms/kv/start", "{}").statusCode()).isEqualTo(200);
            cluster.await("kv", s -> "host-2".equals(s.state().primary()), Duration.ofSeconds(60));
        }
    }

    private static JsonNode awaitCode(HttpClient http, LocalCluster cluster, String host, String code, Duration limit)
            throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(host)
                        + "/v1/vms/kv")).header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200) {
                    JsonNode n = JSON.readTree(last);
                    if (code.equals(n.path("reasonCode").asText())) {
                        return n;
                    }
                }
            } catch (java.io.IOException e) {
                last = e.toString(); // the thawed host may still be catching up
            }
            Thread.sleep(200);
        }
        throw new AssertionError("VM kv did not become " + code + " within " + limit + "; last answer: " + last);
    }
}
