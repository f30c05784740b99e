package io.ftvm.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LinuxGuest;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.node.net.ClientNetwork;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code bench/failover-linux}: the protected Linux VM seen by a TCP client. A local cluster (embedded ZooKeeper,
 * three ftd processes) attaches the guest's NIC to a bridge; a client in its own network namespace keeps one TCP
 * connection to the guest's key-value service. Prints the request round trip unprotected and protected (p50, p99),
 * the snapshot pause of a backup's join, and, over {@code kills} SIGKILLs of the primary's ftd (each killed host is
 * started again and becomes the next backup), the longest gap between two answers the client sees across each kill.
 * Needs root (bridges, namespaces, TAP devices). Arguments: the directory of the Linux guest's images, then kills.
 */
public final class LinuxFailoverBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LinuxFailoverBenchmark() {
    }

    /** One line of the client's report and when it arrived. */
    private record Line(long nanos, String text) {
    }

    public static void main(String[] args) throws Exception {
        if (!ClientNetwork.permitted()) {
            System.err.println("bench/failover-linux needs root: it creates a bridge, a network namespace and TAP "
                    + "devices");
            System.exit(2);
        }
        Path linux = Path.of(args.length > 0 ? args[0] : "guests/images/linux");
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("ftvm-bench-failover-linux-");
        Path images = LinuxGuest.copyImages(linux, dir.resolve("images"));
        // a 256 MiB disk: the guest's file system in its first 8 MiB, zeros after it
        try (var big = java.nio.channels.FileChannel.open(images.resolve("disk-256m.img"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            big.write(java.nio.ByteBuffer.wrap(Files.readAllBytes(images.resolve("disk.ext4"))));
            big.truncate(256L << 20);
            big.write(java.nio.ByteBuffer.allocate(1), (256L << 20) - 1);
        }
        try (ClientNetwork net = ClientNetwork.create("bench");
                LocalCluster cluster = new LocalCluster(dir.resolve("cluster"), 3,
                        List.of("bridge: " + net.bridge(), "imageDir: " + images))) {
            run(cluster, net, kills);
            bigJoin(cluster);
        }
        System.exit(0);
    }

    private static void run(LocalCluster cluster, ClientNetwork net, int kills) throws Exception {
        cluster.createVm("web", LinuxGuest.spec(LinuxGuest.machine("disk.ext4", true), 128,
                DesiredProtection.PROTECTED), "host-1");
        HttpClient http = HttpClient.newBuilder().sslContext(cluster.clientSsl()).build();
        awaitProtectedAndCaughtUp(cluster, http);
        print("join_pause_ms", joinPause(cluster, http));

        Process client = net.kvClient(System.getProperty("java.class.path"), 2).start();
        List<Line> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(new Line(System.nanoTime(), l));
                }
            } catch (java.io.IOException ignored) {
                // the client ended
            }
        }, "client-report");
        reader.setDaemon(true);
        reader.start();
        try {
            awaitAcks(lines, 50, client);
            List<Long> rtts = rttsOf(lines, lines.size(), 400, client);
            BulkTransfer bulk = new BulkTransfer(cluster, net, http, "web");
            bulk.makeFile(16);
            awaitProtectedAndCaughtUp(cluster, http);
            BulkTransfer.Rates protectedRates = bulk.fetch();
            cluster.setProtection("web", DesiredProtection.NONE);
            cluster.await("web", s -> s.state().status() == VmStatus.UNPROTECTED && s.state().backup() == null,
                    Duration.ofSeconds(60));
            List<Long> unprotected = rttsOf(lines, lines.size(), 400, client);
            BulkTransfer.Rates unprotectedRates = bulk.fetch();
            print("tcp_throughput_unprotected_mbit_s", unprotectedRates.mbitPerSecond());
            print("tcp_throughput_protected_mbit_s", protectedRates.mbitPerSecond());
            print("log_mbit_s", protectedRates.logMbitPerSecond());
            cluster.setProtection("web", DesiredProtection.PROTECTED);
            print("tcp_rtt_unprotected_p50_us", percentile(unprotected, 0.5));
            print("tcp_rtt_unprotected_p99_us", percentile(unprotected, 0.99));
            print("tcp_rtt_protected_p50_us", percentile(rtts, 0.5));
            print("tcp_rtt_protected_p99_us", percentile(rtts, 0.99));

            List<Long> stalls = new ArrayList<>();
            Random random = new Random(11);
            for (int k = 0; k < kills; k++) {
                String victim = awaitProtectedAndCaughtUp(cluster, http);
                Thread.sleep(100 + random.nextInt(400));
                long killedAt = System.nanoTime();
                cluster.kill(victim);
                cluster.await("web", s -> s.state().primary() != null && !victim.equals(s.state().primary())
                        && s.state().status().running(), Duration.ofSeconds(60));
                int from = lines.size();
                awaitAcks(lines, from + 20, client);
                stalls.add(gapAcross(lines, killedAt) / 1_000_000);
                cluster.start(victim);
            }
            Collections.sort(stalls);
            print("tcp_failover_stall_p50_ms", percentile(stalls, 0.5));
            print("tcp_failover_stall_p99_ms", percentile(stalls, 0.99));
            print("tcp_failover_stall_max_ms", stalls.get(stalls.size() - 1));
            print("tcp_failover_kills", stalls.size());
        } finally {
            client.destroyForcibly();
        }
    }

    /**
     * The pause of a 512 MiB VM with a 256 MiB disk while its backup's snapshot (disk included) is taken: the VM
     * boots unprotected, then fault tolerance is turned on.
     */
    private static void bigJoin(LocalCluster cluster) throws Exception {
        cluster.setProtection("web", DesiredProtection.NONE); // the small VM's backup makes room
        // on the small VM's primary: up all along (a host restarted by the last kill may still be starting, and a
        // Start it finds when it starts is taken for one of its previous life)
        String host = cluster.state("web").state().primary();
        cluster.createVm("big", LinuxGuest.spec(LinuxGuest.machine("disk-256m.img", false), 512,
                DesiredProtection.NONE), host);
        cluster.await("big", s -> s.state().status() == VmStatus.UNPROTECTED, Duration.ofSeconds(60));
        Thread.sleep(5000); // booted (a few seconds), its RAM touched as a running system's is
        cluster.setProtection("big", DesiredProtection.PROTECTED);
        cluster.awaitCaughtUp("big", 2_500_000, Duration.ofSeconds(300));
        HttpClient http = HttpClient.newBuilder().sslContext(cluster.clientSsl()).build();
        String primary = cluster.state("big").state().primary();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(primary)
                + "/v1/vms/big")).header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        print("join_pause_ms_512mib_vm_256mib_disk", JSON.readTree(r.body()).path("primaryHost").path("primary")
                .path("lastSnapshotPauseMs").asDouble(-1));
    }

    /** Waits for PROTECTED with the backup's replay within 50 ms of the primary; returns the primary. */
    private static String awaitProtectedAndCaughtUp(LocalCluster cluster, HttpClient http) throws Exception {
        return cluster.awaitCaughtUp("web", 2_500_000, Duration.ofSeconds(180));
    }

    private static double joinPause(LocalCluster cluster, HttpClient http) throws Exception {
        String primary = cluster.state("web").state().primary();
        return describe(cluster, http, primary).path("primaryHost").path("primary").path("lastSnapshotPauseMs")
                .asDouble(-1);
    }

    private static JsonNode describe(LocalCluster cluster, HttpClient http, String host) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(host) + "/v1/vms/web"))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    }

    private static void awaitAcks(List<Line> lines, int n, Process client) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (acks(lines) < n) {
            if (System.nanoTime() > deadline || !client.isAlive()) {
                throw new IllegalStateException("the client stopped answering; its last lines: " + tail(lines));
            }
            Thread.sleep(10);
        }
        synchronized (lines) {
            for (Line l : lines) {
                if (l.text().startsWith("FAIL")) {
                    throw new IllegalStateException("the client failed: " + l.text());
                }
            }
        }
    }

    private static int acks(List<Line> lines) {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l.text().startsWith("ACK")).count();
        }
    }

    /** The round trips (set and get) of {@code n} pairs reported after line {@code from}. */
    private static List<Long> rttsOf(List<Line> lines, int from, int n, Process client) throws InterruptedException {
        awaitAcks(lines, acks(lines) + n, client);
        List<Long> rtts = new ArrayList<>();
        synchronized (lines) {
            for (Line l : lines.subList(from, lines.size())) {
                String[] p = l.text().split(" ");
                if (p[0].equals("ACK")) {
                    rtts.add(Long.parseLong(p[2]));
                    rtts.add(Long.parseLong(p[3]));
                }
            }
        }
        Collections.sort(rtts);
        return rtts;
    }

    /** The gap between the last answer before {@code at} and the first after it (nanoseconds). */
    private static long gapAcross(List<Line> lines, long at) {
        long before = -1;
        long after = -1;
        synchronized (lines) {
            for (Line l : lines) {
                if (!l.text().startsWith("ACK")) {
                    continue;
                }
                if (l.nanos() <= at) {
                    before = l.nanos();
                } else if (after < 0) {
                    after = l.nanos();
                }
            }
        }
        if (before < 0 || after < 0) {
            throw new IllegalStateException("no answers on both sides of the kill");
        }
        return after - before;
    }

    private static String tail(List<Line> lines) {
        synchronized (lines) {
            return lines.subList(Math.max(0, lines.size() - 5), lines.size()).toString();
        }
    }

    private static long percentile(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * q) - 1));
    }

    private static void print(String key, double v) {
        System.out.printf(Locale.ROOT, "%s: %.3f%n", key, v);
    }
}
