package io.ftvm.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.guests.GuestImages;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.VmMetrics;
import com.codahale.metrics.MetricRegistry;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.primary.RoleAuthority;
import io.ftvm.replication.ConnectionSettings;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.WallClock;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A protected pair in one process over real loopback: the primary records the kvstore guest and ships its log,
 * the backup joins with a snapshot and replays in lockstep; output reaches the client only under the Output Rule;
 * the primary dies mid-session, the backup takes over, and the client's output by offset (continued from the new
 * primary) equals a reference run of the same input, with every acknowledged input reflected.
 */
class ProtectedPairIT {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("test", "kv", 2, "primary-host",
            "backup-host");

    @TempDir
    Path dir;

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    /** A client that reads output by offset from whichever history serves now. */
    private static final class Client {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        long offset;

        void drain(OutputHistory h) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = h.read(offset, buf, 0, buf.length)) > 0) {
                received.write(buf, 0, n);
                offset += n;
            }
        }

        String text() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theBackupTakesOverAndTheClientSeesOneHistory() throws Exception {
        byte[] session = Files.readAllBytes(Path.of("../guests/sessions/kvstore.txt"));
        String expected = Files.readString(Path.of("../guests/sessions/kvstore.expected"), StandardCharsets.ISO_8859_1);
        int half = session.length / 2;
        while (session[half - 1] != '\n') {
            half++;
        }
        final int cut = half;

        ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
        Machine machine = new Machine(MachineConfig.defaults().withRam(32L << 20), router);
        machine.load(ElfImage.parse("kvstore.elf", GuestImages.bytes("kvstore")));
        OutputHistory primaryOut = new OutputHistory(1 << 20, 0);
        VmMetrics metrics = VmMetrics.of(new MetricRegistry(), "kv");
        PrimarySettings ps = PrimarySettings.defaults(dir.resolve("primary"))
                .withConnection(ConnectionSettings.defaults().withHeartbeat(Duration.ofMillis(50),
                        Duration.ofMillis(500)));
        PrimaryRole primary = new PrimaryRole("kv", ps, machine, router, primaryOut, 0, RoleAuthority.ALWAYS_WINS,
                WallClock.SYSTEM, metrics);
        BackupSettings bs = new BackupSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ps.connection(), dir.resolve("backup"), 1 << 20, Duration.ofMillis(200), Duration.ofSeconds(20),
                PrimarySettings.defaults(dir.resolve("backup-as-primary")));
        AtomicInteger takeovers = new AtomicInteger();
        TakeoverAuthority authority = (reason, planned) -> {
            takeovers.incrementAndGet();
            return new TakeoverAuthority.Outcome(RoleAuthority.Verdict.WON, RoleAuthority.ALWAYS_WINS, 3);
        };
        Client client = new Client();
        try (BackupRole backup = new BackupRole("kv", ID.backup(), bs, authority, WallClock.SYSTEM, metrics)) {
            backup.start();
            primary.start();
            await(() -> client.text().contains("kvstore ready") || primaryOut.end() > 0, "the banner");
            primary.attachBackup(backup.address(), "backup-host", ID.primary());
            await(() -> primary.state() == PrimaryRole.State.PROTECTED, "protection");
            await(() -> backup.state() == BackupRole.State.REPLAYING, "the backup replaying");

            // First half of the session through the primary; everything acknowledged is durable on the backup.
            long acked = 0;
            byte[] first = java.util.Arrays.copyOf(session, cut);
            while (primary.offerInput(acked, first) < cut) {
                Thread.sleep(1);
            }
            await(() -> primary.inputAcked() == cut, "the first half acknowledged");
            Thread.sleep(200);
            client.drain(primaryOut);
            assertThat(metrics.outputHoldTimer().getCount()).as("output went through the gate").isPositive();
            assertThat(metrics.ackLatencyTimer().getCount()).as("ACK latencies measured").isPositive();
            assertThat(primary.logBytesShipped()).isPositive();
            assertThat(primary.backupAckedIcount()).isPositive();
            assertThat(expected).startsWith(client.text());

            // The primary's host dies: no goodbye, its connection just ends.
            primary.close();
            await(() -> backup.state() == BackupRole.State.LIVE, "the takeover");
            assertThat(takeovers.get()).isEqualTo(1);
            assertThat(metrics.failovers()).isEqualTo(1);
            assertThat(metrics.takeoverTimer().getCount()).isEqualTo(1);
            assertThat(backup.lastTakeover().takeoverNanos()).isPositive();
            PrimaryRole live = backup.primary();
            assertThat(live.inputAccepted()).as("input the old primary acknowledged is in the new primary")
                    .isEqualTo(cut);

            // The client resumes at its offset on the new primary and sends the rest.
            byte[] rest = java.util.Arrays.copyOfRange(session, cut, session.length);
            long next = cut;
            while (next < session.length) {
                next = live.offerInput(cut, rest);
                Thread.sleep(1);
            }
            OutputHistory liveOut = backup.history();
            await(() -> {
                client.drain(liveOut);
                return client.text().length() >= expected.length();
            }, "the rest of the output");
            assertThat(client.text()).isEqualTo(expected);
            live.awaitStopped(10_000);
        } finally {
            primary.close();
        }
    }
}
