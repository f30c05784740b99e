package io.ftvm.vmm.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.debug.ReplaySession;
import io.ftvm.vmm.devices.virtio.DiskImage;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay debugger on a Linux session that writes its disk: the disk is an overlay (the file is never written),
 * and any point reached by seeking, back and forth, has the state digest (disk content included) of a straight replay
 * to that point.
 */
class LinuxDebugIT {
    @TempDir
    Path dir;

    @Test
    void seekingBackAndForthOverDiskWritesGivesTheStraightReplaysStates() throws Exception {
        Path original = LinuxMachines.copyDisk(dir, "original.ext4");
        byte[] pristine = Files.readAllBytes(original);
        Path recorded = LinuxMachines.copyDisk(dir, "recorded.ext4");
        MemoryEventLog log = new MemoryEventLog();
        LinuxMachines.Outputs out = new LinuxMachines.Outputs((icount, frame) -> { });
        QueueInputSource input = new QueueInputSource();
        AtomicReference<Object> result = new AtomicReference<>();
        try (DiskImage disk = DiskImage.open(recorded, false)) {
            Machine m = LinuxMachines.boot(out, disk);
            RecordDriver driver = new RecordDriver(m, log, input, RecordConfig.defaults(), WallClock.SYSTEM,
                    RecordDriver.Throttle.NONE);
            Thread runner = new Thread(() -> {
                try {
                    result.set(driver.run(3_000_000_000L));
                } catch (Exception e) {
                    result.set(e);
                }
            }, "linux-record");
            runner.start();
            int at = out.await("ftvm-init: ready", 0, 120_000);
            at = out.await("# ", at, 60_000);
            input.feed("echo written-by-the-guest > /data/d.txt; sync; cat /data/d.txt\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.await("\n# ", at, 60_000);
            input.feed("poweroff -f\n".getBytes(StandardCharsets.US_ASCII));
            runner.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(runner.isAlive()).as("powered off").isFalse();
        }
        assertThat(result.get()).isInstanceOf(RunResult.class);
        log.close();
        assertThat(Files.readAllBytes(recorded)).as("the guest wrote its disk").isNotEqualTo(pristine);

        try (DiskImage overlay = DiskImage.openOverlay(original, false)) {
            Machine m = LinuxMachines.boot(new LinuxMachines.Outputs((icount, frame) -> { }), overlay);
            ReplaySession s = new ReplaySession(m, log, 5_000_000, 12, 256L << 20);
            s.seek(s.endIcount());
            assertThat(m.digest()).isEqualTo(straightDigest(original, log, s.endIcount()));
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < 4; i++) {
                long target = s.endIcount() / 2 + random.nextLong(s.endIcount() / 2);
                s.seek(target);
                assertThat(m.digest()).as("at %d", target).isEqualTo(straightDigest(original, log, target));
            }
            assertThat(s.checkpointBytes()).isLessThanOrEqualTo(256L << 20);
        }
        assertThat(Files.readAllBytes(original)).as("an overlay never writes its file").isEqualTo(pristine);
    }

    /** The digest of a straight replay to {@code icount} (every entry at it applied), on its own overlay. */
    private static long straightDigest(Path disk, MemoryEventLog log, long icount) throws Exception {
        try (DiskImage overlay = DiskImage.openOverlay(disk, false)) {
            Machine m = LinuxMachines.boot(new LinuxMachines.Outputs((i, frame) -> { }), overlay);
            ReplayDriver d = new ReplayDriver(m, log);
            ReplayDriver.Result r = d.run(icount, 0);
            while (r.outcome() == ReplayDriver.Outcome.REACHED_TARGET && d.position() < log.size()
                    && log.await(d.position(), 0).icount() == icount) {
                r = d.run(icount, 0);
            }
            assertThat(m.icount()).isEqualTo(icount);
            return m.digest();
        }
    }
}
