package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LinuxGuest;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.node.net.ClientNetwork;
import io.ftvm.replication.console.ConsoleClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protected Linux VM with real processes and a real network: two ftd hosts attach the guest's NIC to a bridge
 * through TAP devices; a client in its own network namespace holds one TCP connection to the guest's key-value
 * service and issues requests continuously; the primary's ftd is killed with SIGKILL; the connection is never reset,
 * every acknowledged write reads back, and the new primary's disk copy holds the acknowledged writes.
 */
class LinuxFailoverIT {
    private static final Path IMAGES = Path.of("..", "guests", "images", "linux");
    @TempDir
    Path dir;
    private ClientNetwork net;

    @BeforeEach
    void network() throws Exception {
        net = ClientNetwork.create(Long.toString(ProcessHandle.current().pid() % 100000));
    }

    @AfterEach
    void removeNetwork() {
        net.close();
    }

    @Test
    void aTcpClientKeepsItsConnectionAndItsWritesAcrossAKillOfThePrimary() throws Exception {
        Path images = LinuxGuest.copyImages(IMAGES, dir.resolve("images"));
        Process client = null;
        try (LocalCluster cluster = new LocalCluster(dir.resolve("cluster"), 2,
                List.of("bridge: " + net.bridge(), "imageDir: " + images.toAbsolutePath()))) {
            cluster.createVm("web", LinuxGuest.spec(LinuxGuest.machine("disk.ext4", true), 128,
                    DesiredProtection.PROTECTED), "host-1");
            cluster.await("web", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(180));

            client = net.kvClient(System.getProperty("java.class.path"), 0).start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
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
                lines.add("EOF");
            });
            reader.setDaemon(true);
            reader.start();
            List<String> seen = new ArrayList<>();
            awaitAcks(lines, seen, 30, 120);

            // As in a drill: the backup has replayed (nearly) everything before the primary is killed.
            cluster.awaitCaughtUp("web", 2_500_000, Duration.ofSeconds(60));
            String primary = cluster.state("web").state().primary();
            String other = primary.equals("host-1") ? "host-2" : "host-1";
            System.out.println("LinuxFailoverIT: killing " + primary + " after " + seen.size() + " lines at "
                    + java.time.LocalTime.now());
            cluster.kill(primary);
            System.out.println("LinuxFailoverIT: " + primary + " dead at " + java.time.LocalTime.now());
            cluster.await("web", s -> other.equals(s.state().primary()) && s.state().status().running(),
                    Duration.ofSeconds(60));
            int before = seen.size();
            awaitAcks(lines, seen, before + 30, 120);

            OutputStream stop = client.getOutputStream();
            stop.write('\n');
            stop.flush();
            String done = awaitLine(lines, seen, "DONE", 120);
            assertThat(seen).noneMatch(l -> l.startsWith("FAIL"));
            String[] parts = done.split(" ");
            long maxGapMs = Long.parseLong(parts[2]);
            System.out.println("LinuxFailoverIT: " + parts[1] + " requests over one connection across a kill -9; "
                    + "longest round trip " + maxGapMs + " ms");
            seen.stream().filter(l -> l.startsWith("ACK") && (Long.parseLong(l.split(" ")[2]) > 100_000
                    || Long.parseLong(l.split(" ")[3]) > 100_000))
                    .forEach(l -> System.out.println("LinuxFailoverIT slow: " + l));
            for (String l : Files.readAllLines(dir.resolve("cluster").resolve(other).resolve("ftd.log"))) {
                if (l.contains("took over") || l.contains("NIC") || l.contains("primary disconnected")) {
                    System.out.println("LinuxFailoverIT " + other + ": " + l);
                }
            }
            assertThat(Integer.parseInt(parts[1])).isGreaterThanOrEqualTo(60);

            // Every acknowledged write is on the new primary's disk: its guest reads the log back from the disk
            // (page cache dropped first), through the VM's console.
            StringBuilder console = new StringBuilder();
            java.util.regex.Pattern count = java.util.regex.Pattern.compile("KVLOG ([0-9]+) END");
            try (ConsoleClient con = ConsoleClient.start(cluster.console("web"), (offset, bytes) -> {
                synchronized (console) {
                    console.append(new String(bytes, StandardCharsets.ISO_8859_1));
                }
            }, e -> { })) {
                con.send(("\nsync; echo 3 > /proc/sys/vm/drop_caches; echo KVLOG $(grep -c '^SET k' /data/kv.log) END\n")
                        .getBytes(StandardCharsets.US_ASCII));
                java.util.regex.Matcher m = null;
                for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; Thread.sleep(50)) {
                    synchronized (console) {
                        m = count.matcher(console);
                        if (m.find()) {
                            break;
                        }
                        m = null;
                    }
                }
                assertThat(m).as("the guest's answer on its console: " + console).isNotNull();
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(Integer.parseInt(parts[1]));
            }
            assertThat(maxGapMs).as("the longest stall a client saw").isLessThan(30_000);
        } finally {
            if (client != null) {
                client.destroyForcibly();
            }
        }
    }

    /** Waits (bounded) until {@code n} ACK lines were seen; fails on FAIL or the end of the client. */
    private static void awaitAcks(LinkedBlockingQueue<String> lines, List<String> seen, int n, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (seen.stream().filter(l -> l.startsWith("ACK")).count() < n) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(l).as("client output within " + seconds + " s; so far: " + tail(seen)).isNotNull();
            seen.add(l);
            assertThat(l).as("client: " + tail(seen)).doesNotStartWith("FAIL").isNotEqualTo("EOF");
        }
    }

    private static String awaitLine(LinkedBlockingQueue<String> lines, List<String> seen, String prefix, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(l).as("a " + prefix + " line within " + seconds + " s; so far: " + tail(seen)).isNotNull();
            seen.add(l);
            assertThat(l).as("client: " + tail(seen)).doesNotStartWith("FAIL").isNotEqualTo("EOF");
            if (l.startsWith(prefix)) {
                return l;
            }
        }
    }

    private static String tail(List<String> seen) {
        return seen.subList(Math.max(0, seen.size() - 5), seen.size()).toString();
    }
}
