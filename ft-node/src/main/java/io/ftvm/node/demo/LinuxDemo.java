package io.ftvm.node.demo;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.net.ClientNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Linux half of {@code ftctl demo}: the committed Linux guest (kernel, busybox, the key-value server, an ext4
 * data disk) protected on the local cluster with its NIC on a bridge, and a TCP client in its own network namespace
 * that keeps one connection to the guest's key-value service ({@code KvTcpClient}, a pair of requests every 200 ms).
 * What the client sees is summarised as it goes; across a {@code !kill} the connection carries on.
 */
final class LinuxDemo {
    static final String VM = "web";

    private final PrintStream info;
    private final Path images;
    private Process client;
    private volatile int answered;
    private volatile long lastMicros;
    private volatile long lastAnswerNanos;
    private volatile long longestGapNanos;
    private volatile String failure;
    private volatile String done;

    LinuxDemo(PrintStream info, Path images) {
        this.info = info;
        this.images = images;
    }

    /** Why this host cannot run the Linux demo, or null when it can. */
    static String unavailable(Path images) {
        if (!ClientNetwork.permitted()) {
            return "the Linux guest needs root (a bridge, a network namespace and TAP devices)";
        }
        for (String f : LinuxGuest.FILES) {
            if (!Files.isRegularFile(images.resolve(f))) {
                return "the Linux guest's " + f + " is not in " + images;
            }
        }
        return null;
    }

    /** ftd.yaml lines the cluster needs: the bridge and an imageDir holding a copy of the guest's files. */
    static List<String> hostConfig(ClientNetwork net, Path work, Path images) throws IOException {
        Path copy = LinuxGuest.copyImages(images, work.resolve("images"));
        return List.of("bridge: " + net.bridge(), "imageDir: " + copy.toAbsolutePath());
    }

    static void create(LocalCluster cluster) {
        cluster.createVm(VM, LinuxGuest.spec(LinuxGuest.machine("disk.ext4", true), 128, DesiredProtection.PROTECTED),
                "host-1");
    }

    /** Starts the TCP client in the namespace and a thread that follows its report. */
    void startClient(ClientNetwork net) throws IOException {
        client = net.kvClient(System.getProperty("java.class.path"), 200).start();
        Thread reader = new Thread(this::follow, "demo-tcp-client");
        reader.setDaemon(true);
        reader.start();
        info.println("[demo] a TCP client in network namespace " + net.namespace() + " (" + ClientNetwork.CLIENT_ADDRESS
                + ") holds one connection to the guest's key-value service at " + ClientNetwork.GUEST_ADDRESS
                + ":7000 (SET and GET every 200 ms)");
    }

    private void follow() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                long now = System.nanoTime();
                if (l.startsWith("ACK ")) {
                    String[] p = l.split(" ");
                    if (lastAnswerNanos != 0) {
                        longestGapNanos = Math.max(longestGapNanos, now - lastAnswerNanos);
                    }
                    lastAnswerNanos = now;
                    lastMicros = Long.parseLong(p[2]) + Long.parseLong(p[3]);
                    answered++;
                    if (answered % 50 == 0) {
                        info.println(summary());
                    }
                } else if (l.startsWith("FAIL")) {
                    failure = l;
                    info.println("[client] " + l);
                } else if (l.startsWith("DONE")) {
                    done = l;
                } else if (l.equals("CONNECTED")) {
                    info.println("[client] connected to the guest");
                }
            }
        } catch (IOException ignored) {
            // the client ended
        }
    }

    String summary() {
        return String.format(java.util.Locale.ROOT, "[client] %d request pairs over one TCP connection; the last took"
                + " %.1f ms; the longest gap between answers %d ms", answered, lastMicros / 1000.0,
                longestGapNanos / 1_000_000);
    }

    /** Waits (bounded) until the client has had {@code n} answers; false on a failure or the time running out. */
    boolean awaitAnswers(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered < n && failure == null && System.nanoTime() < deadline && client.isAlive()) {
            Thread.sleep(20);
        }
        return answered >= n && failure == null;
    }

    int answered() {
        return answered;
    }

    /** The scripted story: answers, a kill, answers again, then every write read back over the same connection. */
    int script(LocalCluster cluster, Demo.Killer killer) throws Exception {
        if (!awaitAnswers(10, Duration.ofSeconds(120))) {
            info.println("[demo] FAILED: the client got no answers from the guest: " + failure);
            return 1;
        }
        // as a drill does: the backup has replayed (nearly) everything before the primary's host is killed
        cluster.awaitCaughtUp(VM, 2_500_000, Duration.ofSeconds(120));
        longestGapNanos = 0;
        killer.killPrimary(cluster);
        cluster.await(VM, s -> s.state().status().running() && s.state().primary() != null, Duration.ofSeconds(60));
        if (!awaitAnswers(answered + 10, Duration.ofSeconds(60))) {
            info.println("[demo] FAILED: the connection did not carry on after the failover: " + failure);
            return 1;
        }
        OutputStream stop = client.getOutputStream();
        stop.write('\n');
        stop.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (done == null && failure == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (done == null) {
            info.println("[demo] FAILED: the client's final read-back did not complete: " + failure);
            return 1;
        }
        info.println(summary());
        info.println("[demo] PASSED: the TCP connection carried on through the failover; every write read back ("
                + done + ")");
        return 0;
    }

    void close() {
        if (client != null) {
            client.destroyForcibly();
        }
    }

    static boolean protectedNow(LocalCluster cluster) {
        return cluster.state(VM).state().status() == VmStatus.PROTECTED;
    }
}
