package io.ftvm.vmm.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.devices.virtio.DiskImage;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit-exact record and replay of a Linux session with a disk, the RNG and the network: a recorded boot plus a shell
 * session that writes the disk and pings a host on the test network replays to identical console bytes, identical
 * frames out at identical instruction counts, identical digests (the replayer checks them) and a byte-identical
 * disk. And a Linux machine snapshotted mid-run and restored continues exactly as the uninterrupted one.
 */
class LinuxRecordReplayIT {
    private static final long LIMIT = 3_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aSessionWithDiskAndNetworkReplaysBitExactly() throws Exception {
        Path recordedDisk = LinuxMachines.copyDisk(dir, "recorded.ext4");
        TestNetwork network = new TestNetwork();
        LinuxMachines.Outputs out = new LinuxMachines.Outputs((icount, frame) -> network.sent(frame));
        MemoryEventLog log = new MemoryEventLog();
        QueueInputSource input = new QueueInputSource();
        AtomicReference<Object> result = new AtomicReference<>();
        try (DiskImage disk = DiskImage.open(recordedDisk, false)) {
            Machine m = LinuxMachines.boot(out, disk);
            RecordDriver driver = new RecordDriver(m, log, input, RecordConfig.defaults(), WallClock.SYSTEM,
                    RecordDriver.Throttle.NONE);
            driver.setFrameSource(network);
            Thread runner = new Thread(() -> {
                try {
                    result.set(driver.run(LIMIT));
                } catch (Exception e) {
                    result.set(e);
                }
            }, "linux-record");
            runner.start();
            int at = out.await("ftvm-init: ready", 0, 120_000);
            at = out.await("# ", at, 60_000);
            for (String line : List.of("ping -c 2 10.0.2.2", "echo $RANDOM > /data/r.txt; sync; cat /data/r.txt")) {
                input.feed((line + "\n").getBytes(StandardCharsets.US_ASCII));
                at = out.await("\n# ", at, 60_000);
            }
            assertThat(out.console()).contains("2 packets transmitted, 2 packets received");
            input.feed("poweroff -f\n".getBytes(StandardCharsets.US_ASCII));
            runner.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(runner.isAlive()).as("powered off").isFalse();
        }
        assertThat(result.get()).isInstanceOf(RunResult.class);
        assertThat(((RunResult) result.get()).reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        log.close();
        assertThat(out.frames()).as("ARP and ICMP went out").hasSizeGreaterThanOrEqualTo(3);

        Path replayedDisk = LinuxMachines.copyDisk(dir, "replayed.ext4");
        LinuxMachines.Outputs again = new LinuxMachines.Outputs((icount, frame) -> { });
        try (DiskImage disk = DiskImage.open(replayedDisk, false)) {
            Machine m = LinuxMachines.boot(again, disk);
            ReplayDriver.Result r = new ReplayDriver(m, log).run(Long.MAX_VALUE, 0);
            assertThat(r.outcome()).isEqualTo(ReplayDriver.Outcome.POWERED_OFF);
            assertThat(r.digestsChecked()).isPositive();
        }
        assertThat(again.console()).isEqualTo(out.console());
        assertThat(again.frames()).as("frames out, with their icounts").isEqualTo(out.frames());
        assertThat(Files.readAllBytes(replayedDisk)).isEqualTo(Files.readAllBytes(recordedDisk));
    }

    @Test
    void aRestoredSnapshotContinuesLikeTheUninterruptedRun() throws Exception {
        long snapshotAt = 30_000_000;
        long end = 55_000_000;
        Path diskA = LinuxMachines.copyDisk(dir, "a.ext4");
        LinuxMachines.Outputs outA = new LinuxMachines.Outputs((icount, frame) -> { });
        byte[] snapshot;
        Path diskAtSnapshot = dir.resolve("at-snapshot.ext4");
        long digestA;
        int consoleAtSnapshot;
        try (DiskImage disk = DiskImage.open(diskA, false)) {
            Machine a = LinuxMachines.boot(outA, disk);
            a.setEntropySeed(new byte[32]);
            assertThat(a.runSkippingIdle(snapshotAt).icount()).isEqualTo(snapshotAt);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SnapshotFile.write(a, bytes);
            snapshot = bytes.toByteArray();
            Files.copy(diskA, diskAtSnapshot);
            consoleAtSnapshot = outA.console().length();
            assertThat(a.runSkippingIdle(end).icount()).isEqualTo(end);
            digestA = a.digest();
        }
        LinuxMachines.Outputs outB = new LinuxMachines.Outputs((icount, frame) -> { });
        try (DiskImage disk = DiskImage.open(diskAtSnapshot, false)) {
            Machine b = SnapshotFile.read(new ByteArrayInputStream(snapshot), outB,
                    new io.ftvm.vmm.board.Attachments(List.of(disk)));
            assertThat(b.runSkippingIdle(end).icount()).isEqualTo(end);
            assertThat(b.digest()).isEqualTo(digestA);
        }
        assertThat(outB.console()).isEqualTo(outA.console().substring(consoleAtSnapshot));
        assertThat(Files.readAllBytes(diskAtSnapshot)).isEqualTo(Files.readAllBytes(diskA));

        // A disk with other content is refused, naming it.
        Path other = LinuxMachines.copyDisk(dir, "other.ext4");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(other,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 7 * 1024 * 1024);
        }
        try (DiskImage disk = DiskImage.open(other, false)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SnapshotFile.read(
                    new ByteArrayInputStream(snapshot), outB, new io.ftvm.vmm.board.Attachments(List.of(disk))))
                    .hasMessageContaining("does not hold the content the snapshot was taken with");
        }
    }
}
