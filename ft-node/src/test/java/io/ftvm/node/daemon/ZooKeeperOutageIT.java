package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.console.ConsoleClient;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper stops for 30 s under a running protected pair (ten session timeouts). The pair needs ZooKeeper only to
 * change roles, so the VM runs on and its client keeps getting output throughout; the hosts' APIs answer at once and say
 * the coordinator is unreachable rather than hang; and when ZooKeeper is back the pair is still the same pair, in sync,
 * at the same epoch: nobody failed over, nobody tore it down. Everything the client typed was taken, once.
 */
class ZooKeeperOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Path.of("target", "zookeeper-outage-it", Long.toString(System.currentTimeMillis()));

    @Test
    void aPairRunsThroughAZooKeeperOutageAndIsStillProtectedAfter() throws Exception {
        long seed = System.nanoTime();
        RecordedOutput out = new RecordedOutput();
        try (LocalCluster cluster = new LocalCluster(dir, 2)) {
            HttpClient http = AdminHttp.client(cluster);
            cluster.createVm("kv", "kvstore", 32, "host-1");
            VersionedState before = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60));
            cluster.awaitCaughtUp("kv", 2_000_000, Duration.ofSeconds(60));
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv"), out,
                    e -> System.err.println("ZooKeeperOutageIT client: " + e))) {
                CommandFeeder feeder = new CommandFeeder(client, seed);
                feeder.startOnceGreeted(out);
                Thread.sleep(1_000);

                cluster.zooKeeper().stop();
                long stopped = System.nanoTime();
                Thread.sleep(3_000);
                long t = System.nanoTime();
                HttpResponse<String> during = AdminHttp.get(http, cluster, "host-1", "/vms/kv");
                assertThat((System.nanoTime() - t) / 1_000_000).as("the API answers at once").isLessThan(5_000);
                assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
                assertThat(during.body()).containsIgnoringCase("zookeeper");
                long received = out.received();
                while (System.nanoTime() - stopped < 30_000_000_000L) {
                    Thread.sleep(1_000);
                }
                assertThat(out.received()).as("the VM ran on and its output reached the client during the outage")
                        .isGreaterThan(received + 100);
                assertThat(out.longestSilenceNanos(stopped, System.nanoTime()) / 1_000_000)
                        .as("output never stalled for long during the outage").isLessThan(2_000);

                cluster.zooKeeper().start();
                Thread.sleep(5_000);
                VersionedState after = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                        Duration.ofSeconds(30));
                assertThat(after.state().epoch()).as("no failover, no teardown: %s", after.state())
                        .isEqualTo(before.state().epoch());
                assertThat(after.state().primary()).isEqualTo(before.state().primary());
                assertThat(after.state().backup()).isEqualTo(before.state().backup());
                JsonNode vm = JSON.readTree(AdminHttp.get(http, cluster, "host-2", "/vms/kv").body());
                assertThat(vm.path("status").asText()).isEqualTo("PROTECTED");

                feeder.stop();
                assertThat(client.awaitInputAcked(Duration.ofSeconds(60))).as("all input acknowledged").isTrue();
                String expected = ReferenceRun.output("kvstore", 32, feeder.sent());
                out.awaitLength(expected.length(), 60_000);
                assertThat(out.gaps()).isEmpty();
                assertThat(out.text()).isEqualTo(expected);
            }
        }
    }
}
