package io.ftvm.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.guests.GuestImages;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.primary.RoleAuthority;
import io.ftvm.primary.VmMetrics;
import io.ftvm.replication.ConnectionSettings;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.WallClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * A protected guest that powers off right after its last output: the primary reports STOPPED only once that output
 * was released under the Output Rule (the ACK of the log's last entry covers it). Reporting it earlier let the
 * daemon record the stop, discard the backup before its ACK arrived, and leave the last output held forever (found
 * by FailoverIT under load).
 */
class GuestStopIT {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("test", "kv", 2, "primary-host",
            "backup-host");

    @TempDir
    Path dir;

    @RepeatedTest(10)
    void theLastOutputIsReleasedBeforeThePrimaryReportsStopped() throws Exception {
        ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
        Machine machine = new Machine(MachineConfig.defaults().withRam(32L << 20), router);
        machine.load(ElfImage.parse("kvstore.elf", GuestImages.bytes("kvstore")));
        OutputHistory out = new OutputHistory(1 << 20, 0);
        PrimarySettings ps = PrimarySettings.defaults(dir.resolve("primary"))
                .withConnection(ConnectionSettings.defaults().withHeartbeat(Duration.ofMillis(50),
                        Duration.ofMillis(500)));
        PrimaryRole primary = new PrimaryRole("kv", ps, machine, router, out, 0, RoleAuthority.ALWAYS_WINS,
                WallClock.SYSTEM, VmMetrics.discarding("kv"));
        CopyOnWriteArrayList<Integer> heldAtStop = new CopyOnWriteArrayList<>();
        primary.addListener((from, to, reason) -> {
            if (to == PrimaryRole.State.STOPPED) {
                heldAtStop.add(primary.gate().held());
            }
        });
        BackupSettings bs = new BackupSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ps.connection(), dir.resolve("backup"), 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(20),
                PrimarySettings.defaults(dir.resolve("backup-as-primary")));
        try (BackupRole backup = new BackupRole("kv", ID.backup(), bs, (reason, planned) -> TakeoverAuthority.Outcome.fenced(),
                WallClock.SYSTEM, VmMetrics.discarding("kv"))) {
            backup.start();
            primary.start();
            primary.attachBackup(backup.address(), "backup-host", ID.primary());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (primary.state() != PrimaryRole.State.PROTECTED && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(primary.state()).isEqualTo(PrimaryRole.State.PROTECTED);
            byte[] input = "set a 1\nget a\nquit\n".getBytes(StandardCharsets.US_ASCII);
            while (primary.offerInput(0, input) < input.length) {
                Thread.sleep(1);
            }
            assertThat(primary.awaitStopped(30_000)).isTrue();
            assertThat(heldAtStop).containsExactly(0);
            byte[] all = new byte[1 << 16];
            int n = out.read(0, all, 0, all.length);
            assertThat(new String(all, 0, n, StandardCharsets.ISO_8859_1)).contains("VALUE 1").contains("bye");
        } finally {
            primary.close();
        }
    }
}
