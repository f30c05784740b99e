package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.node.demo.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real processes: an embedded ZooKeeper and three ftd hosts. The kvstore guest runs protected; a console client
 * sends half of a session; the primary's ftd is killed with SIGKILL; the backup takes over, a new backup is placed
 * on the third host, and the client, carrying on through the failover, receives output by offset with no gap and no
 * duplicate that equals a reference run of the whole session.
 */
class FailoverIT {
    /** Under target/ so that the hosts' logs stay for a look after a failure. */
    private final Path dir = Path.of("target", "failover-it", Long.toString(System.currentTimeMillis()));

    @Test
    void thePrimarysHostDiesAndTheConsoleSessionCarriesOn() throws Exception {
        byte[] session = Files.readAllBytes(Path.of("../guests/sessions/kvstore.txt"));
        String expected = Files.readString(Path.of("../guests/sessions/kvstore.expected"), StandardCharsets.ISO_8859_1);
        int cut = session.length / 2;
        while (session[cut - 1] != '\n') {
            cut++;
        }
        RecordedOutput out = new RecordedOutput();
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            cluster.createVm("kv", "kvstore", 64, "host-1");
            VersionedState protectedState = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60));
            String oldPrimary = protectedState.state().primary();
            String oldBackup = protectedState.state().backup();
            // A running ftd exports its roles' metrics and health on its admin endpoint.
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(cluster.clientSsl())
                    .build();
            String want = "ftvm_vm_status{vm=\"kv\",status=\"PROTECTED\",reason=\"PROTECTED\",} 1.0"; // the manager's next reconcile
            List<String> exporters = new ArrayList<>();
            String primaryMetrics = "";
            for (long end = System.nanoTime() + 30_000_000_000L; System.nanoTime() < end
                    && (exporters.size() != 1 || !primaryMetrics.contains("state=\"PROTECTED\",} 1.0"));
                    Thread.sleep(50)) {
                exporters.clear();
                for (String host : List.of("host-1", "host-2", "host-3")) {
                    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(cluster.adminUrl(host) + "/metrics"))
                            .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    if (r.body().contains(want)) {
                        exporters.add(host);
                    }
                    if (host.equals(oldPrimary)) {
                        primaryMetrics = r.body();
                    }
                }
            }
            assertThat(exporters).as("exactly one host (the manager's) exports the VM's recorded status").hasSize(1);
            assertThat(primaryMetrics)
                    .contains("ftvm_role_state{vm=\"kv\",role=\"primary\",state=\"PROTECTED\",} 1.0")
                    .contains("ftvm_role_transitions_total{vm=\"kv\",role=\"primary\",state=\"PROTECTED\",} 1.0");
            // The record says PROTECTED once the backup ACKs the log; its replay may still be restoring the snapshot.
            java.net.http.HttpRequest healthRequest = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(cluster.adminUrl(oldBackup) + "/health"))
                    .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).build();
            String healthBody = "";
            for (long end = System.nanoTime() + 30_000_000_000L; System.nanoTime() < end
                    && !healthBody.contains("\"kv\":\"backup:REPLAYING\""); Thread.sleep(50)) {
                healthBody = http.send(healthRequest, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(healthBody).contains("\"status\":\"UP\"").contains("\"kv\":\"backup:REPLAYING\"");
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv"),
                    out, e -> { })) {
                client.send(Arrays.copyOf(session, cut));
                assertThat(client.awaitInputAcked(Duration.ofSeconds(30))).isTrue();

                cluster.kill(oldPrimary);
                // The backup takes over, and a backup is placed on the third host (the manager may first pick the
                // dead host, whose registration lasts until its ZooKeeper session expires, then correct that).
                VersionedState after = cluster.await("kv", s -> oldBackup.equals(s.state().primary())
                        && s.state().status() == VmStatus.PROTECTED && !oldPrimary.equals(s.state().backup()),
                        Duration.ofSeconds(60));
                assertThat(after.state().backup()).isNotIn(oldPrimary, oldBackup);

                client.send(Arrays.copyOfRange(session, cut, session.length));
                out.awaitLength(expected.length(), 60_000);
                assertThat(out.gaps()).as("output by offset has no gap and no duplicate").isEmpty();
                assertThat(out.text()).isEqualTo(expected);
            }
        }
    }
}
