package io.ftvm.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Epochs and digest verdicts from ftd logs in the format ftd writes them. */
class HostLogCheckTest {
    @TempDir
    Path dir;

    private Path log(String host, String... lines) throws Exception {
        Path p = Files.createDirectories(dir.resolve(host)).resolve("ftd.log");
        Files.write(p, List.of(lines));
        return p;
    }

    @Test
    void distinctEpochsPassAndTakeoversCount() throws Exception {
        CheckReport r = HostLogCheck.check(List.of(
                log("host-1", "16:31:05.654 INFO  [ftd-reconcile] VmInstance - VM kv: booted kvstore as primary"
                        + " (tenure 1)"),
                log("host-2", "16:31:08.547 INFO  [backup-replay-kv] ZkAuthority - VM kv: host-2 took over at epoch 4"),
                log("host-3", "16:31:09.547 INFO  [backup-replay-kv] ZkAuthority - VM kv: host-3 took over at epoch 7")));
        assertThat(r.anomalies()).isEmpty();
        assertThat(r.failovers()).isEqualTo(2);
    }

    @Test
    void twoHostsStartingOneEpochAndADivergenceAreAnomalies() throws Exception {
        CheckReport r = HostLogCheck.check(List.of(
                log("host-1", "x ZkAuthority - VM kv: host-1 took over at epoch 4"),
                log("host-2", "x ZkAuthority - VM kv: host-2 took over at epoch 4",
                        "x BackupRole - VM kv backup: REPLAYING -> STOPPED (divergence: digest at icount 5)")));
        assertThat(r.anomalies()).extracting(Anomaly::kind)
                .containsExactlyInAnyOrder("two-primaries-one-epoch", "digest-mismatch");
    }
}
