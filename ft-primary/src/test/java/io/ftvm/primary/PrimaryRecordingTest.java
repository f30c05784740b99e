package io.ftvm.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.guests.GuestImages;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary's live recording: copied while the VM runs and after it powered off, it replays to the same console
 * output and instruction count; a tap stopped by its size bound says so, never stalls the VM, and its copy still
 * replays (to where it stopped).
 */
class PrimaryRecordingTest {
    @TempDir
    Path dir;

    private final ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
    private final OutputHistory history = new OutputHistory(1 << 20, 0);

    private Machine kvstore() throws Exception {
        Machine m = new Machine(MachineConfig.defaults().withRam(16L << 20), router);
        m.load(ElfImage.parse("kvstore.elf", GuestImages.bytes("kvstore")));
        return m;
    }

    private PrimaryRole primary(Machine m, PrimarySettings settings) {
        return new PrimaryRole("kv/1", settings, m, router, history, 0, RoleAuthority.ALWAYS_WINS, WallClock.SYSTEM,
                VmMetrics.discarding("kv/1"));
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    private String released() {
        byte[] buf = new byte[(int) history.end()];
        int n = history.read(0, buf, 0, buf.length);
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static byte[] session() throws Exception {
        return Files.readAllBytes(Path.of("../guests/sessions/kvstore.txt"));
    }

    @Test
    void aCopyReplaysToTheSameOutputAndIcountWhileRunningAndAfterPowerOff() throws Exception {
        Machine m = kvstore();
        PrimaryRole p = primary(m, PrimarySettings.defaults(dir.resolve("snapshots")));
        byte[] session = session();
        int half = session.length / 2;
        try {
            p.start();
            assertThat(p.recordingStatus().state()).isEqualTo(RecordingTap.State.RECORDING);
            assertThat(p.recordingStatus().file()).hasParent(dir.resolve("recordings"));
            p.offerInput(0, java.util.Arrays.copyOf(session, half));
            await(() -> p.inputAcked() == half, "the first half delivered");

            ByteArrayOutputStream mid = new ByteArrayOutputStream();
            RecordingCopy midCopy = p.copyRecording(mid);
            assertThat(midCopy.bytes()).isEqualTo(mid.size());
            assertThat(midCopy.truncated()).isFalse();
            assertThat(midCopy.firstIcount()).isZero();
            RecordingReplay midReplay = RecordingReplay.of(mid.toByteArray(), dir);
            assertThat(midReplay.result().icount()).isEqualTo(midCopy.lastIcount());
            assertThat(midReplay.startIcount()).isZero();

            p.offerInput(half, java.util.Arrays.copyOfRange(session, half, session.length));
            assertThat(p.awaitStopped(30_000)).isTrue();
            assertThat(p.lastResult().reason()).isEqualTo(RunResult.Reason.POWER_OFF);

            ByteArrayOutputStream end = new ByteArrayOutputStream();
            RecordingCopy endCopy = p.copyRecording(end);
            RecordingReplay replay = RecordingReplay.of(end.toByteArray(), dir);
            assertThat(replay.result().outcome()).isEqualTo(ReplayDriver.Outcome.POWERED_OFF);
            assertThat(replay.result().icount()).isEqualTo(m.icount()).isEqualTo(endCopy.lastIcount());
            assertThat(replay.machine().digest()).isEqualTo(m.digest());
            assertThat(replay.console()).isEqualTo(released())
                    .isEqualTo(Files.readString(Path.of("../guests/sessions/kvstore.expected"),
                            StandardCharsets.ISO_8859_1));
            assertThat(replay.console()).startsWith(midReplay.console());
            assertThat(replay.result().digestsChecked()).isPositive();
        } finally {
            p.close();
        }
        try (Stream<Path> left = Files.list(dir.resolve("recordings"))) {
            assertThat(left).as("the recording is deleted with its role").isEmpty();
        }
    }

    @Test
    void aTapStoppedByItsBoundSaysSoAndTheVmRunsOn() throws Exception {
        Machine m = kvstore();
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        SnapshotFile.write(m, snap);
        long bound = snap.size() + 100 + 600; // the header, then a few hundred bytes of entries
        PrimaryRole p = primary(m, PrimarySettings.defaults(dir.resolve("snapshots"))
                .withRecording(RecordingSettings.under(dir.resolve("rec")).withMaxBytes(bound)));
        try {
            p.start();
            byte[] session = session();
            p.offerInput(0, session);
            assertThat(p.awaitStopped(30_000)).as("the VM is not held up by a full recording").isTrue();
            assertThat(p.lastResult().reason()).isEqualTo(RunResult.Reason.POWER_OFF);
            assertThat(released()).isEqualTo(Files.readString(Path.of("../guests/sessions/kvstore.expected"),
                    StandardCharsets.ISO_8859_1));

            assertThat(p.recordingStatus().state()).isEqualTo(RecordingTap.State.STOPPED);
            assertThat(Files.size(p.recordingStatus().file())).isLessThanOrEqualTo(bound);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordingCopy copy = p.copyRecording(out);
            assertThat(copy.truncated()).isTrue();
            assertThat(copy.reason()).contains("size bound of " + bound + " bytes");
            assertThat(copy.lastIcount()).isLessThan(m.icount());
            RecordingReplay replay = RecordingReplay.of(out.toByteArray(), dir);
            assertThat(replay.result().icount()).isEqualTo(copy.lastIcount());
            assertThat(released()).startsWith(replay.console());
        } finally {
            p.close();
        }
    }
}
