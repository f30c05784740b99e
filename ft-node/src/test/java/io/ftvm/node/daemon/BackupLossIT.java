package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.node.demo.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Real processes: the backup's ftd is killed with SIGKILL. The primary holds output for at most its backup-loss
 * timeout, goes unprotected (by CAS) and carries on; the manager places a new backup on the third host and the VM is
 * protected again. The console session never moves and sees exactly the reference output.
 */
class BackupLossIT {
    private final Path dir = Path.of("target", "backup-loss-it", Long.toString(System.currentTimeMillis()));

    @Test
    void thePrimaryCarriesOnAndIsProtectedAgain() throws Exception {
        StringBuilder input = new StringBuilder();
        RecordedOutput out = new RecordedOutput();
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            cluster.createVm("kv", "kvstore", 32, "host-1");
            VersionedState before = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60));
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv"),
                    out, e -> { })) {
                for (int i = 0; i < 20; i++) {
                    String line = "incr n " + i + "\n";
                    input.append(line);
                    client.send(line.getBytes(StandardCharsets.US_ASCII));
                }
                assertThat(client.awaitInputAcked(Duration.ofSeconds(30))).isTrue();
                String backup = before.state().backup();
                cluster.kill(backup);
                long t0 = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    String line = (i % 2 == 0 ? "sum" : "count") + "\n";
                    input.append(line);
                    client.send(line.getBytes(StandardCharsets.US_ASCII));
                }
                // Output and input acknowledgements flow again once the primary went unprotected (by itself, or
                // because the manager dropped the dead backup first).
                assertThat(client.awaitInputAcked(Duration.ofSeconds(30))).as("input acknowledged unprotected")
                        .isTrue();
                assertThat((System.nanoTime() - t0) / 1_000_000).as("output held no longer than the timeout allows")
                        .isLessThan(15_000);
                VersionedState again = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED
                        && !backup.equals(s.state().backup()), Duration.ofSeconds(60));
                assertThat(again.state().primary()).isEqualTo(before.state().primary());
                assertThat(again.state().backup()).isNotIn(backup, before.state().primary());
                for (int i = 0; i < 5; i++) {
                    String line = "incr m 1\n";
                    input.append(line);
                    client.send(line.getBytes(StandardCharsets.US_ASCII));
                }
                assertThat(client.awaitInputAcked(Duration.ofSeconds(30))).isTrue();
                String expected = ReferenceRun.output("kvstore", 32, input.toString().getBytes(StandardCharsets.US_ASCII));
                out.awaitLength(expected.length(), 30_000);
                assertThat(out.text()).isEqualTo(expected);
            }
        }
    }
}
