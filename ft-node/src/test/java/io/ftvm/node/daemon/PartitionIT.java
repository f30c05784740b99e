package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.backup.BackupRole;
import io.ftvm.backup.BackupSettings;
import io.ftvm.coordinator.CoordinatorClient;
import io.ftvm.coordinator.CoordinatorConfig;
import io.ftvm.coordinator.Credentials;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.guests.GuestImages;
import io.ftvm.node.demo.EmbeddedZooKeeper;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.VmMetrics;
import io.ftvm.primary.PrimarySettings;
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
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The link between primary and backup is cut while both still reach ZooKeeper. Whichever side's timeout fires
 * first wins the compare-and-set; the other is fenced and halts. Exactly one side continues, and the console
 * history a client could have read from the loser is a prefix of the winner's: no split brain visible to clients.
 */
class PartitionIT {
    private final Path dir = Path.of("target", "partition-it", Long.toString(System.nanoTime()));

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    private static String read(OutputHistory h, long from, long to) {
        byte[] b = new byte[(int) (to - from)];
        int n = h.read(from, b, 0, b.length);
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "the {0} wins")
    @ValueSource(strings = {"backup", "primary"})
    void exactlyOneSideContinues(String winner) throws Exception {
        boolean backupWins = winner.equals("backup");
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"));
             CoordinatorClient client = new CoordinatorClient(CoordinatorConfig.of(zk.connectString(), "p",
                     new Credentials("ftvm", "partition-secret"))).start()) {
            VmRecords records = new VmRecords(client);
            VersionedState s = records.create("kv", new VmSpec("kvstore", 32, List.of("console"),
                    DesiredProtection.PROTECTED));
            s = records.transition(s, new Transition.Start("host-a")).state();
            long primaryTenure = s.state().primarySince();
            s = records.transition(s, new Transition.AssignBackup("host-b")).state();
            long backupTenure = s.state().backupSince();

            ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
            Machine m = new Machine(MachineConfig.defaults().withRam(32L << 20), router);
            m.load(ElfImage.parse("kvstore", GuestImages.bytes("kvstore")));
            OutputHistory primaryOut = new OutputHistory(1 << 20, 0);
            PrimarySettings ps = PrimarySettings.defaults(dir.resolve("a"))
                    .withBackupLossTimeout(Duration.ofMillis(backupWins ? 3000 : 100));
            PrimaryRole primary = new PrimaryRole("kv", ps, m, router, primaryOut, 0,
                    new ZkAuthority(records, "kv", "host-a").primary(primaryTenure), WallClock.SYSTEM,
                    VmMetrics.discarding("kv"));
            PeerIdentity.Pair id = PeerIdentity.localPair("p", "kv", backupTenure, "host-a", "host-b");
            BackupRole backup = new BackupRole("kv", id.backup(), new BackupSettings(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), 0), ps.connection(), dir.resolve("b"), 1 << 20,
                    Duration.ofMillis(backupWins ? 50 : 3000), Duration.ofSeconds(30),
                    PrimarySettings.defaults(dir.resolve("b-primary"))),
                    new ZkAuthority(records, "kv", "host-b").backup(backupTenure), WallClock.SYSTEM,
                    VmMetrics.discarding("kv"));
            try (LinkProxy link = new LinkProxy(backup.address())) {
                backup.start();
                primary.start();
                primary.attachBackup(link.address(), "host-b", id.primary());
                await(() -> primary.state() == PrimaryRole.State.PROTECTED, "protection");
                long input = 0;
                for (int i = 0; i < 40; i++) {
                    input = primary.offerInput(input, ("incr n " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(5);
                }
                link.cut(); // mid-stream, both still reach ZooKeeper
                for (int i = 0; i < 40 && primary.state() != PrimaryRole.State.FENCED; i++) {
                    try {
                        input = primary.offerInput(input, "count\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IllegalStateException fenced) {
                        break;
                    }
                    Thread.sleep(5);
                }
                if (backupWins) {
                    await(() -> primary.state() == PrimaryRole.State.FENCED, "the primary fenced");
                    await(() -> backup.state() == BackupRole.State.LIVE, "the backup live");
                    OutputHistory winnerOut = backup.history();
                    long from = winnerOut.start();
                    long loserEnd = primaryOut.end();
                    await(() -> winnerOut.end() >= loserEnd, "the new primary to reach the old one's output");
                    assertThat(read(winnerOut, from, loserEnd)).as("what the fenced primary released")
                            .isEqualTo(read(primaryOut, from, loserEnd));
                    assertThat(records.state("kv").state().primary()).isEqualTo("host-b");
                } else {
                    await(() -> primary.state() == PrimaryRole.State.UNPROTECTED, "the primary unprotected");
                    await(() -> backup.state() == BackupRole.State.FENCED
                            || backup.state() == BackupRole.State.STOPPED, "the backup out");
                    assertThat(backup.state()).isNotEqualTo(BackupRole.State.LIVE);
                    assertThat(records.state("kv").state().primary()).isEqualTo("host-a");
                    assertThat(records.state("kv").state().backup()).isNull();
                }
            } finally {
                primary.close();
                backup.close();
            }
        }
    }
}
