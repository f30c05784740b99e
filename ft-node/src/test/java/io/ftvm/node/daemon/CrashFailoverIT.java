package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.replication.console.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Real processes, host crashes rather than kills: while a client keeps sending random commands, the primary's ftd is
 * frozen with SIGSTOP at a random moment (nothing closes, nothing is sent: a hung or powered-off host; the writer may
 * be connected, reconnecting or being redirected), 20 times by
 * default ({@code -Dftvm.crash.count=N}). Every crash must fail over by the backup's failure detector alone. Each
 * frozen process is then continued: it must find itself fenced and release nothing more. A second, read-only client
 * attached to the victim before each crash stays on it through the freeze and the thaw: whatever it is given must be
 * the true output (a prefix of the reference run, by offset, with no gap), so output the frozen primary held back is
 * never released. At the end the writing client's output, read through every failover with no gap and no duplicate,
 * equals a reference run of exactly the input it sent, and all of that input was acknowledged.
 */
class CrashFailoverIT {
    private final Path dir = Path.of("target", "crash-failover-it", Long.toString(System.currentTimeMillis()));

    @Test
    void crashThePrimaryAgainAndAgain() throws Exception {
        int crashes = Integer.getInteger("ftvm.crash.count", 20);
        long seed = Long.getLong("ftvm.crash.seed", System.nanoTime());
        System.err.println("CrashFailoverIT seed " + seed + " (rerun with -Dftvm.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        RecordedOutput out = new RecordedOutput();
        List<RecordedOutput> probes = new ArrayList<>();
        List<Double> takeoverMs = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(cluster.clientSsl())
                    .build();
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            // the writer notices a silent primary within 100 ms and moves to the new one
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv")
                    .withKeepalive(Duration.ofMillis(20), Duration.ofMillis(100)), out,
                    e -> System.err.println("CrashFailoverIT writer: " + e))) {
                CommandFeeder feeder = new CommandFeeder(client, random.nextLong());
                feeder.startOnceGreeted(out);
                for (int k = 0; k < crashes; k++) {
                    VersionedState s = cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED,
                            Duration.ofSeconds(60));
                    String victim = s.state().primary();
                    RecordedOutput probe = new RecordedOutput(true);
                    probes.add(probe);
                    Endpoint at = Endpoint.parse(cluster.host(victim).orElseThrow().address());
                    try (ConsoleClient ignored = ConsoleClient.start(ConsoleClientConfig.of("kv", List.of(at))
                            .withCredential(LocalCluster.ADMIN_TOKEN).withTls(cluster.clientTls())
                            .withKeepalive(Duration.ofSeconds(30), Duration.ofSeconds(60)), probe, e -> { })) {
                        long seen = System.nanoTime() + 10_000_000_000L;
                        while (probe.first() < 0 && System.nanoTime() < seen) {
                            Thread.sleep(5);
                        }
                        Thread.sleep(100 + random.nextInt(400));
                        long t0 = System.nanoTime();
                        cluster.freeze(victim);
                        cluster.await("kv", v -> v.state().primary() != null && !victim.equals(v.state().primary()),
                                Duration.ofSeconds(30));
                        takeoverMs.add((System.nanoTime() - t0) / 1e6);
                        Thread.sleep(random.nextInt(300)); // the new primary runs and releases output meanwhile
                        cluster.thaw(victim);
                        awaitFenced(http, cluster, victim);
                        Thread.sleep(200); // anything the thawed primary wrongly released would arrive by now
                    }
                }
                cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
                feeder.stop();
                assertThat(client.awaitInputAcked(Duration.ofSeconds(60))).as("all input acknowledged").isTrue();
                byte[] input = feeder.sent();
                String expected = ReferenceRun.output("kvstore", 32, input);
                out.awaitLength(expected.length(), 60_000);
                assertThat(out.gaps()).as("output by offset has no gap and no duplicate").isEmpty();
                assertThat(out.text()).isEqualTo(expected);
                for (int i = 0; i < probes.size(); i++) {
                    RecordedOutput p = probes.get(i);
                    assertThat(p.gaps()).as("crash %d: the victim's client saw no gap", i).isEmpty();
                    // a backup gets the output released before its join with its snapshot: every host's history
                    // reaches back to the start (this run's output is far below the quarter mebibyte carried)
                    assertThat(p.first()).as("crash %d: the victim held the output from before its join", i).isZero();
                    String seen = p.text();
                    long from = Math.max(0, p.first());
                    assertThat(expected.length()).as("crash %d: the victim's client saw no more than was output", i)
                            .isGreaterThanOrEqualTo((int) from + seen.length());
                    assertThat(expected.substring((int) from, (int) from + seen.length()))
                            .as("crash %d: what the victim's client saw from offset %d is true output", i, from)
                            .isEqualTo(seen);
                }
            }
        }
        takeoverMs.sort(null);
        System.err.printf("CrashFailoverIT: %d crashes, takeover p50 %.0f ms, max %.0f ms%n", takeoverMs.size(),
                takeoverMs.get(takeoverMs.size() / 2), takeoverMs.get(takeoverMs.size() - 1));
    }

    /** Waits until the thawed host no longer plays the primary of kv (it saw the record and fenced itself). */
    private static void awaitFenced(HttpClient http, LocalCluster cluster, String host) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create(cluster.adminUrl(host) + "/health"))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build();
        String body = "";
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                body = http.send(health, HttpResponse.BodyHandlers.ofString()).body();
                if (!body.contains("\"kv\":\"primary:")) {
                    return;
                }
            } catch (java.io.IOException e) {
                body = e.toString();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(host + " still plays kv's primary 30 s after it was continued: " + body);
    }
}
