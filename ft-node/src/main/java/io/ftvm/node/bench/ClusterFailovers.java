package io.ftvm.node.bench;

import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failovers of a protected kvstore VM on a {@link LocalCluster}, measured as a console client sees them, while a
 * feeder types a command every 10 ms: the primary's ftd killed (SIGKILL: the kernel closes its sockets) or crashed
 * (SIGSTOP: nothing closes, nothing is sent, as a host that hangs or loses power); and a soak under CPU and
 * allocation pressure that counts failovers nobody asked for.
 *
 * <p>The client watches its own connection with a 10 ms keepalive and a 60 ms timeout: a client of a crashed primary
 * learns of the crash only by its silence, as any TCP client would by retransmission.
 */
final class ClusterFailovers implements AutoCloseable {
    /** How a primary is taken down. */
    enum Fault {
        KILL,
        CRASH
    }

    /**
     * Per failover: fault to the record naming the new primary, fault to the client's first output from it, and
     * fault to the VM protected again on a third host (empty for crashes, whose victim is restarted at once).
     */
    record Figures(List<Double> takeoverMs, List<Double> failoverMs, List<Double> reprotectMs) {
    }

    private final LocalCluster cluster;
    private final String vm;
    private final Random random = new Random(7);
    private final AtomicLong firstOutputAfter = new AtomicLong();
    /** When the client last got output (any host). */
    private final AtomicLong lastOutput = new AtomicLong();
    /** The last output before the first one from the new primary: where a switchover's stall starts. */
    private final AtomicLong lastBeforeNew = new AtomicLong();
    private volatile Endpoint victimConsole;
    private final ConsoleClient client;
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final Thread feeder;

    /** The client's keepalive for failovers: it must notice a crashed primary by its silence, fast. */
    static final Duration[] DETECTING = {Duration.ofMillis(10), Duration.ofMillis(60)};
    /**
     * The client's keepalive for switchovers: a planned switchover is announced to the client, not detected, so it
     * needs no hair trigger (which, on a loaded two-core machine, also fires at hosts that are merely slow).
     */
    static final Duration[] ANNOUNCED = {Duration.ofMillis(50), Duration.ofSeconds(1)};

    ClusterFailovers(LocalCluster cluster, String vm) throws Exception {
        this(cluster, vm, DETECTING);
    }

    ClusterFailovers(LocalCluster cluster, String vm, Duration[] keepalive) throws Exception {
        this.cluster = cluster;
        this.vm = vm;
        ConsoleClient[] holder = new ConsoleClient[1];
        this.client = ConsoleClient.start(cluster.console(vm).withBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .withKeepalive(keepalive[0], keepalive[1]), (offset, bytes) -> {
                    Endpoint at = holder[0] == null ? null : holder[0].connectedTo();
                    Endpoint victim = victimConsole;
                    long now = System.nanoTime();
                    if (victim != null && at != null && !at.equals(victim)
                            && firstOutputAfter.compareAndSet(0, now)) {
                        lastBeforeNew.set(lastOutput.get());
                    }
                    lastOutput.set(now);
                }, e -> {
                    if (Boolean.getBoolean("ftvm.bench.verbose")) {
                        System.err.println(java.time.LocalTime.now() + " client: " + e.kind() + " " + e.endpoint()
                                + " " + e.detail());
                    }
                });
        holder[0] = client;
        this.feeder = new Thread(() -> {
            while (sending.get()) {
                try {
                    client.send("count\n".getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(10);
                } catch (InterruptedException | IllegalStateException e) {
                    return;
                }
            }
        }, "feeder");
        feeder.start();
    }

    /** {@code n} failovers by {@code fault}, each once the VM is protected again. */
    Figures measure(Fault fault, int n) throws Exception {
        List<Double> takeovers = new ArrayList<>();
        List<Double> failovers = new ArrayList<>();
        List<Double> reprotected = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            VersionedState s = cluster.await(vm, v -> v.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(90));
            cluster.awaitCaughtUp(vm, 2_000_000, Duration.ofSeconds(60));
            Thread.sleep(200 + random.nextInt(300));
            String victim = s.state().primary();
            HostInfo info = cluster.host(victim).orElseThrow();
            firstOutputAfter.set(0);
            victimConsole = Endpoint.parse(info.address());
            long t0 = System.nanoTime();
            if (fault == Fault.KILL) {
                cluster.kill(victim);
            } else {
                cluster.freeze(victim);
            }
            long deadline = t0 + 30_000_000_000L;
            long tookOver = 0;
            while (System.nanoTime() < deadline && (tookOver == 0 || firstOutputAfter.get() == 0)) {
                if (tookOver == 0) {
                    VmState now = cluster.state(vm).state();
                    if (now.primary() != null && !now.primary().equals(victim)) {
                        tookOver = System.nanoTime();
                    }
                }
                Thread.sleep(1);
            }
            victimConsole = null;
            if (firstOutputAfter.get() == 0 || tookOver == 0) {
                throw new IllegalStateException("no output from a new primary within 30 s of the " + fault + " of "
                        + victim);
            }
            takeovers.add((tookOver - t0) / 1e6);
            failovers.add((firstOutputAfter.get() - t0) / 1e6);
            if (fault == Fault.KILL) { // the killed host stays down until the VM is protected on the third one
                cluster.await(vm, v -> v.state().status() == VmStatus.PROTECTED && !victim.equals(v.state().backup()),
                        Duration.ofSeconds(90));
                reprotected.add((System.nanoTime() - t0) / 1e6);
            }
            cluster.kill(victim); // a frozen ftd dies frozen: it never runs again
            cluster.start(victim);
            awaitHealthy(victim); // the next round's third host is this one: up before that round starts
        }
        return new Figures(takeovers, failovers, reprotected);
    }

    /**
     * Waits (up to 60 s) until {@code host}'s restarted ftd answers its health check: registered and connected (the
     * killed process's registration lingers until its session expires, so the record of hosts cannot tell).
     */
    private void awaitHealthy(String host) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(cluster.clientSsl())
                .connectTimeout(Duration.ofSeconds(2)).build();
        java.net.http.HttpRequest health = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(cluster.adminUrl(host) + "/health")).timeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                if (http.send(health, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(host + " did not come back healthy within 60 s of its restart");
    }

    /**
     * {@code n} planned switchovers (the admin API of the primary's host), each once the VM is protected again: the
     * client-visible stall, from the last output the client got from the old primary to the first from the new one
     * (the feeder types every 10 ms, so a stall below that cannot be seen).
     */
    List<Double> switchovers(int n) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(cluster.clientSsl())
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Double> stalls = new ArrayList<>();
        int refusals = 0;
        for (int k = 0; k < n; k++) {
            VersionedState s = cluster.await(vm, v -> v.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(90));
            cluster.awaitCaughtUp(vm, 2_000_000, Duration.ofSeconds(60));
            Thread.sleep(200 + random.nextInt(300));
            String from = s.state().primary();
            firstOutputAfter.set(0);
            victimConsole = Endpoint.parse(cluster.host(from).orElseThrow().address());
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(cluster.adminUrl(from) + "/v1/local/vms/" + vm + "/switchover"))
                    .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                    .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 && r.body().contains("NOT_PRIMARY_HERE") && refusals++ < 3) {
                // the primary moved between reading the record and asking (a failover nobody asked for: counted
                // by the soak, not here): measure this switchover again from the new primary
                System.err.println("switchover " + k + " from " + from + " refused, the primary moved: " + r.body());
                k--;
                continue;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("switchover " + k + " refused: " + r.body());
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (firstOutputAfter.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            victimConsole = null;
            if (firstOutputAfter.get() == 0) {
                throw new IllegalStateException("no output from the new primary within 30 s of switchover " + k);
            }
            stalls.add((firstOutputAfter.get() - lastBeforeNew.get()) / 1e6);
            if (Boolean.getBoolean("ftvm.bench.verbose")) {
                System.err.printf("%s switchover %d from %s: stall %.1f ms%n", java.time.LocalTime.now(), k, from,
                        stalls.get(k));
            }
        }
        return stalls;
    }

    /**
     * Runs the protected VM for {@code length} under pressure (busy threads on every core, a thread allocating and
     * dropping memory fast in this process) and counts changes of primary, and backups dropped, that no fault caused.
     *
     * @return {failovers, backup drops}
     */
    long[] soak(Duration length) throws Exception {
        VersionedState start = cluster.await(vm, v -> v.state().status() == VmStatus.PROTECTED,
                Duration.ofSeconds(90));
        AtomicBoolean pressing = new AtomicBoolean(true);
        List<Thread> pressure = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            pressure.add(new Thread(() -> {
                long x = 0;
                while (pressing.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "cpu-" + i));
        }
        pressure.add(new Thread(() -> {
            List<byte[]> kept = new ArrayList<>();
            Random r = new Random(3);
            while (pressing.get()) {
                kept.add(new byte[64 << 10]);
                if (kept.size() > 2000) { // about 128 MiB live, churned: old-generation collections too
                    kept.remove(r.nextInt(kept.size()));
                }
            }
        }, "garbage"));
        pressure.forEach(Thread::start);
        long failovers = 0;
        long drops = 0;
        VmState last = start.state();
        long end = System.nanoTime() + length.toNanos();
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(20);
                VmState now = cluster.state(vm).state();
                if (now.epoch() == last.epoch()) {
                    continue;
                }
                if (!now.primary().equals(last.primary())) {
                    failovers++;
                    System.err.println("soak: failover at epoch " + now.epoch() + ": " + now.reason());
                } else if (last.status() == VmStatus.PROTECTED) { // same primary, the backup dropped or replaced
                    drops++;
                    System.err.println("soak: backup dropped at epoch " + now.epoch() + ": " + now.reason());
                }
                last = now;
            }
        } finally {
            pressing.set(false);
            for (Thread t : pressure) {
                t.join(5_000);
            }
        }
        return new long[] {failovers, drops};
    }

    @Override
    public void close() throws InterruptedException {
        sending.set(false);
        feeder.join(5_000);
        client.close();
    }
}
