package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LinuxGuest;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.node.net.ClientNetwork;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protected Linux VM through a series of host deaths on three ftd processes, one TCP connection throughout:
 * SIGKILLs of the primary's ftd at random moments once its backup has caught up, alternating with SIGKILLs of a
 * backup in the middle of its join (snapshot and disk transfer); every killed host is started again and becomes a
 * spare. The connection is never reset, every answer matches the model (each key's last value), and at the end the
 * primary's and the backup's disk copies are byte-identical and a copy of them passes {@code e2fsck} after journal
 * recovery, with every acknowledged write in the guest's log file.
 */
class LinuxRepeatedFailoverIT {
    private static final Path IMAGES = Path.of("..", "guests", "images", "linux");
    private static final int ROUNDS = Integer.getInteger("ftvm.linuxFailoverRounds", 4);

    @TempDir
    Path dir;
    private ClientNetwork net;

    @BeforeEach
    void network() throws Exception {
        net = ClientNetwork.create("r" + ProcessHandle.current().pid() % 100000);
    }

    @AfterEach
    void removeNetwork() {
        net.close();
    }

    @Test
    void oneTcpConnectionSurvivesKillsOfPrimariesAndOfJoiningBackups() throws Exception {
        Path images = LinuxGuest.copyImages(IMAGES, dir.resolve("images"));
        Random random = new Random(5);
        Process client = null;
        try (LocalCluster cluster = new LocalCluster(dir.resolve("cluster"), 3,
                List.of("bridge: " + net.bridge(), "imageDir: " + images.toAbsolutePath()))) {
            cluster.createVm("web", LinuxGuest.spec(LinuxGuest.machine("disk.ext4", true), 128,
                    DesiredProtection.PROTECTED), "host-1");
            cluster.awaitCaughtUp("web", 2_500_000, Duration.ofSeconds(180));
            client = net.kvClient(System.getProperty("java.class.path"), 5).start();
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            Process c = client;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        lines.add(l);
                    }
                } catch (java.io.IOException ignored) {
                    // the client ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            awaitAcks(lines, 20);
            for (int round = 0; round < ROUNDS; round++) {
                String victim;
                if (round % 2 == 0) {
                    victim = cluster.awaitCaughtUp("web", 2_500_000, Duration.ofSeconds(120));
                    Thread.sleep(random.nextInt(300));
                    cluster.kill(victim);
                    cluster.await("web", s -> s.state().primary() != null && !victim.equals(s.state().primary())
                            && s.state().status().running(), Duration.ofSeconds(60));
                } else {
                    // a backup dies in the middle of its join: the primary carries on and another joins
                    VmState joining = cluster.await("web", s -> s.state().status() == VmStatus.SYNCING
                            && s.state().backup() != null, Duration.ofSeconds(120)).state();
                    victim = joining.backup();
                    Thread.sleep(random.nextInt(200));
                    cluster.kill(victim);
                }
                awaitAcks(lines, acks(lines) + 20);
                cluster.start(victim);
            }
            cluster.awaitCaughtUp("web", 2_500_000, Duration.ofSeconds(180));
            OutputStream stop = client.getOutputStream();
            stop.write('\n');
            stop.flush();
            String done = awaitDone(lines);
            int n = Integer.parseInt(done.split(" ")[1]);
            System.out.println("LinuxRepeatedFailoverIT: " + n + " request pairs over one connection through "
                    + ROUNDS + " kills; longest round trip " + done.split(" ")[2] + " ms");

            // The guest is idle now: once the backup has replayed everything, the two copies are the same bytes.
            cluster.awaitCaughtUp("web", 100_000, Duration.ofSeconds(60));
            VmState s = cluster.state("web").state();
            Path primaryDisk = diskOf(cluster, s.primary());
            Path backupDisk = diskOf(cluster, s.backup());
            long mismatch = -2;
            for (int i = 0; i < 100 && mismatch != -1; i++) { // bounded: the last writes may still be replaying
                mismatch = Files.mismatch(primaryDisk, backupDisk);
                if (mismatch != -1) {
                    Thread.sleep(100);
                }
            }
            assertThat(mismatch).as("first differing byte of " + primaryDisk + " and " + backupDisk).isEqualTo(-1);
            Path copy = Files.copy(backupDisk, dir.resolve("check.img"));
            int recovered = run("e2fsck", "-fy", copy.toString());
            assertThat(recovered).as("e2fsck -fy (journal recovery)").isIn(0, 1);
            assertThat(run("e2fsck", "-fn", copy.toString())).as("e2fsck -fn after recovery").isZero();
            String log = output("debugfs", "-R", "cat /kv.log", copy.toString());
            assertThat(log.lines().filter(l -> l.startsWith("SET k")).count()).isEqualTo(n);
        } finally {
            if (client != null) {
                client.destroyForcibly();
            }
        }
    }

    /** The one disk copy the host's current role runs on. */
    private static Path diskOf(LocalCluster cluster, String host) throws Exception {
        try (Stream<Path> files = Files.walk(cluster.dir().resolve(host).resolve("data"))) {
            List<Path> disks = files.filter(p -> p.getFileName().toString().equals("disk0.img")).toList();
            assertThat(disks).as("disk copies on " + host).hasSize(1);
            return disks.get(0);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println(String.join(" ", cmd) + ": exit " + p.exitValue() + "\n" + out);
        return p.exitValue();
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static int acks(List<String> lines) {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l.startsWith("ACK")).count();
        }
    }

    private static void awaitAcks(List<String> lines, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (acks(lines) < n) {
            assertThat(System.nanoTime()).as("%d answers within 120 s; last lines %s", n, tail(lines))
                    .isLessThan(deadline);
            assertThat(failure(lines)).as("client failure").isNull();
            Thread.sleep(20);
        }
    }

    private static String awaitDone(List<String> lines) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertThat(failure(lines)).as("client failure").isNull();
            synchronized (lines) {
                for (String l : lines) {
                    if (l.startsWith("DONE")) {
                        return l;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no DONE from the client; last lines " + tail(lines));
    }

    private static String failure(List<String> lines) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith("FAIL")).findFirst().orElse(null);
        }
    }

    private static String tail(List<String> lines) {
        synchronized (lines) {
            return lines.subList(Math.max(0, lines.size() - 5), lines.size()).toString();
        }
    }
}
