package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.node.demo.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Real processes, many failovers: while a client keeps sending random commands, the primary's ftd is killed with SIGKILL
 * at a random moment, again and again (20 times by default, {@code -Dftvm.failover.kills=N}); each victim comes back
 * as a spare host. At the end the client's output, read by offset through every failover with no gap and no
 * duplicate, equals a reference run of exactly the input it sent, and all of that input was acknowledged.
 */
class RepeatedFailoverIT {
    private final Path dir = Path.of("target", "repeated-failover-it", Long.toString(System.currentTimeMillis()));

    /** A random kvstore command over a small key space (so gets, dels and incrs hit existing keys). */
    static String randomCommand(Random r) {
        String key = "k" + r.nextInt(12);
        switch (r.nextInt(8)) {
            case 0: return "set " + key + " v" + r.nextInt(1000);
            case 1: return "get " + key;
            case 2: return "del " + key;
            case 3: return "incr c" + r.nextInt(3) + " " + (r.nextInt(200) - 100);
            case 4: return "count";
            case 5: return "sum";
            case 6: return "list";
            default: return "incr n 1";
        }
    }

    @Test
    void killThePrimaryAgainAndAgain() throws Exception {
        int kills = Integer.getInteger("ftvm.failover.kills", 20);
        long seed = Long.getLong("ftvm.failover.seed", System.nanoTime());
        System.err.println("RepeatedFailoverIT seed " + seed + " (rerun with -Dftvm.failover.seed=" + seed + ")");
        Random random = new Random(seed);
        RecordedOutput out = new RecordedOutput();
        java.util.List<String> events = new java.util.ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(dir, 3)) {
            cluster.createVm("kv", "kvstore", 32, "host-1");
            cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv"),
                    out, e -> {
                        synchronized (events) {
                            events.add(e.toString());
                        }
                    })) {
                CommandFeeder feeder = new CommandFeeder(client, random.nextLong());
                feeder.startOnceGreeted(out); // the console is attached and has the banner before the first kill
                for (int k = 0; k < kills; k++) {
                    VersionedState s = cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED,
                            Duration.ofSeconds(60));
                    Thread.sleep(random.nextInt(400));
                    String victim = s.state().primary();
                    cluster.kill(victim);
                    cluster.await("kv", v -> v.state().primary() != null && !victim.equals(v.state().primary()),
                            Duration.ofSeconds(30));
                    cluster.start(victim);
                }
                cluster.await("kv", v -> v.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
                feeder.stop();
                boolean acked = client.awaitInputAcked(Duration.ofSeconds(60));
                synchronized (events) {
                    assertThat(acked).as("all input acknowledged; client %s at %s, acked %d, pending %d; events %s",
                            client.state(), client.connectedTo(), client.inputAcked(), client.inputPending(),
                            events.subList(Math.max(0, events.size() - 12), events.size())).isTrue();
                }
                byte[] input = feeder.sent();
                String expected = ReferenceRun.output("kvstore", 32, input);
                out.awaitLength(expected.length(), 60_000);
                assertThat(out.gaps()).as("output by offset has no gap and no duplicate").isEmpty();
                assertThat(out.text()).isEqualTo(expected);
            }
        }
    }
}
