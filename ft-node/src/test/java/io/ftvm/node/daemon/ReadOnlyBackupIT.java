package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A host whose data directory went read-only (as a file system remounted read-only after errors) is given a VM's
 * backup. The backup cannot start there; the host must say so in the record at once, so the VM is reported
 * UNPROTECTED with the reason (not SYNCING to a backup that will never come), and the manager keeps backups off that
 * host for a while; once a healthy host is back the VM is protected there.
 */
class ReadOnlyBackupIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Path.of("target", "read-only-backup-it", Long.toString(System.currentTimeMillis()))
            .toAbsolutePath();

    @Test
    void aBackupThatCannotStartIsReportedAndPlacedElsewhere() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            HttpClient http = AdminHttp.client(cluster);
            cluster.createVm("kv", "kvstore", 32, "host-1");
            VersionedState first = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60));
            String backup = first.state().backup();
            String broken = backup.equals("host-2") ? "host-3" : "host-2";
            Path data = dir.resolve(broken).resolve("data");
            Assumptions.assumeTrue(run("mount", "--bind", data.toString(), data.toString()),
                    "bind mounts need root: cannot make a data directory read-only here");
            try {
                assertThat(run("mount", "-o", "remount,ro,bind", data.toString())).isTrue();
                cluster.kill(backup);
                // the backup's host is gone: the manager drops it and can only try the read-only host
                VersionedState tried = cluster.await("kv", s -> broken.equals(s.state().backup()),
                        Duration.ofSeconds(60));
                long assigned = System.nanoTime();
                VersionedState gaveUp = cluster.await("kv", s -> s.state().epoch() > tried.state().epoch()
                        && !broken.equals(s.state().backup()), Duration.ofSeconds(30));
                assertThat((System.nanoTime() - assigned) / 1_000_000).as("the failed backup said so at once")
                        .isLessThan(10_000);
                assertThat(gaveUp.state().status()).isEqualTo(VmStatus.UNPROTECTED);
                assertThat(gaveUp.state().reason()).contains(broken).containsIgnoringCase("read-only");

                JsonNode vm = JSON.readTree(AdminHttp.get(http, cluster, "host-1", "/vms/kv").body());
                assertThat(vm.path("status").asText()).isEqualTo("UNPROTECTED");
                assertThat(vm.toString()).contains(broken).containsIgnoringCase("read-only");
                Thread.sleep(5_000);
                assertThat(cluster.state("kv").state().backup()).as("not tried on the broken host again at once")
                        .isNotEqualTo(broken);

                cluster.start(backup);
                VersionedState again = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                        Duration.ofSeconds(90));
                assertThat(again.state().backup()).isEqualTo(backup);
                assertThat(again.state().primary()).isEqualTo("host-1");
            } finally {
                run("umount", data.toString());
            }
        }
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            System.err.println("ReadOnlyBackupIT: " + String.join(" ", cmd) + ": " + out);
        }
        return p.exitValue() == 0;
    }
}
