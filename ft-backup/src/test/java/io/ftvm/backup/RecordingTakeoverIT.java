package io.ftvm.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.guests.GuestImages;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.RecordingReplay;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.primary.RecordingCopy;
import io.ftvm.primary.RecordingTap;
import io.ftvm.primary.RoleAuthority;
import io.ftvm.primary.VmMetrics;
import io.ftvm.replication.ConnectionSettings;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A protected pair in one process over loopback: the backup's recording starts at the snapshot it joined from and
 * holds every entry it received; after the primary dies and the backup takes over, the new primary appends to the
 * same recording, and a copy fetched from it replays from the join snapshot through the takeover to the guest's
 * power-off: the same console output (from the snapshot's offset) and the same final icount and digest.
 */
class RecordingTakeoverIT {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("test", "kv", 2, "primary-host",
            "backup-host");

    @TempDir
    Path dir;

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void aRecordingFetchedAfterATakeoverReplaysFromTheJoinSnapshotToTheEnd() throws Exception {
        byte[] session = Files.readAllBytes(Path.of("../guests/sessions/kvstore.txt"));
        String expected = Files.readString(Path.of("../guests/sessions/kvstore.expected"), StandardCharsets.ISO_8859_1);
        int cut = session.length / 2;
        while (session[cut - 1] != '\n') {
            cut++;
        }
        final int half = cut;

        ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
        Machine machine = new Machine(MachineConfig.defaults().withRam(16L << 20), router);
        machine.load(ElfImage.parse("kvstore.elf", GuestImages.bytes("kvstore")));
        PrimarySettings ps = PrimarySettings.defaults(dir.resolve("a/snapshots"))
                .withConnection(ConnectionSettings.defaults().withHeartbeat(Duration.ofMillis(50),
                        Duration.ofMillis(500)));
        PrimaryRole primary = new PrimaryRole("kv", ps, machine, router, new OutputHistory(1 << 20, 0), 0,
                RoleAuthority.ALWAYS_WINS, WallClock.SYSTEM, VmMetrics.discarding("kv"));
        BackupSettings bs = new BackupSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ps.connection(), dir.resolve("b/snapshots-in"), 1 << 20, Duration.ofMillis(200),
                Duration.ofSeconds(20), PrimarySettings.defaults(dir.resolve("b/snapshots-out")));
        TakeoverAuthority authority =
                (reason, planned) -> new TakeoverAuthority.Outcome(RoleAuthority.Verdict.WON, RoleAuthority.ALWAYS_WINS, 3);
        try (BackupRole backup = new BackupRole("kv", ID.backup(), bs, authority, WallClock.SYSTEM,
                VmMetrics.discarding("kv"))) {
            backup.start();
            primary.start();
            primary.offerInput(0, Arrays.copyOf(session, 40)); // some history before the backup joins
            await(() -> primary.inputAcked() == 40, "early input");
            primary.attachBackup(backup.address(), "backup-host", ID.primary());
            await(() -> primary.state() == PrimaryRole.State.PROTECTED, "protection");
            await(() -> backup.state() == BackupRole.State.REPLAYING, "the backup replaying");

            long offered = 40;
            while (offered < half) {
                offered = primary.offerInput(offered, Arrays.copyOfRange(session, (int) offered, half));
                Thread.sleep(1);
            }
            await(() -> primary.inputAcked() == half, "the first half acknowledged");

            // Before the takeover: the backup's copy starts at its join snapshot and replays.
            ByteArrayOutputStream before = new ByteArrayOutputStream();
            RecordingCopy b = backup.copyRecording(before);
            assertThat(b.firstIcount()).isPositive();
            assertThat(b.truncated()).isFalse();
            RecordingReplay early = RecordingReplay.of(before.toByteArray(), dir);
            assertThat(early.startIcount()).isEqualTo(b.firstIcount());
            assertThat(early.result().icount()).isEqualTo(b.lastIcount());

            primary.close(); // the primary's host dies
            await(() -> backup.state() == BackupRole.State.LIVE, "the takeover");
            PrimaryRole live = backup.primary();
            long next = live.inputAccepted();
            while (next < session.length) {
                next = live.offerInput(next, Arrays.copyOfRange(session, (int) next, session.length));
                Thread.sleep(1);
            }
            assertThat(live.awaitStopped(30_000)).isTrue();
            assertThat(live.recordingStatus().state()).isEqualTo(RecordingTap.State.RECORDING);

            ByteArrayOutputStream after = new ByteArrayOutputStream();
            RecordingCopy a = live.copyRecording(after);
            assertThat(a.firstIcount()).isEqualTo(b.firstIcount());
            assertThat(a.lastIcount()).isEqualTo(live.machine().icount());
            RecordingReplay replay = RecordingReplay.of(after.toByteArray(), dir);
            assertThat(replay.result().outcome()).isEqualTo(ReplayDriver.Outcome.POWERED_OFF);
            assertThat(replay.result().icount()).isEqualTo(live.machine().icount());
            assertThat(replay.machine().digest()).isEqualTo(live.machine().digest());
            assertThat(replay.console()).isEqualTo(expected.substring((int) replay.startConsoleOffset()));
            assertThat(replay.console()).startsWith(early.console());

            ByteArrayOutputStream viaBackup = new ByteArrayOutputStream();
            assertThat(backup.copyRecording(viaBackup).bytes()).as("the backup role hands out the same recording")
                    .isEqualTo(a.bytes());
        } finally {
            primary.close();
        }
        try (var left = Files.walk(dir)) {
            assertThat(left.filter(f -> f.toString().endsWith(".ftrec")).toList())
                    .as("recordings are deleted with their roles").isEmpty();
        }
    }
}
