package io.ftvm.node.bench;

import io.ftvm.backup.BackupRole;
import io.ftvm.backup.BackupSettings;
import io.ftvm.backup.TakeoverAuthority;
import io.ftvm.guests.GuestImages;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.VmMetrics;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.primary.RoleAuthority;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.WallClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/** A primary and (optionally) a backup of one guest in this process, over loopback, for measurements. */
final class InProcessPair implements AutoCloseable {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("bench", "vm", 2, "primary-host",
            "backup-host");
    private static final io.ftvm.replication.ClusterPki PKI = io.ftvm.replication.ClusterPki.create("bench CA");

    final PrimaryRole primary;
    final OutputHistory history = new OutputHistory(1 << 20, 0);
    final BackupRole backup;

    /** Protected pairs run mutual TLS, as ftd does by default. */
    InProcessPair(String image, long ramMib, Path dir, boolean protect, LongConsumer outputRuleNanos)
            throws Exception {
        this(image, ramMib, dir, protect, true, outputRuleNanos);
    }

    /** {@code tls}: the replication link runs mutual TLS (certificates of a throwaway CA naming each end). */
    InProcessPair(String image, long ramMib, Path dir, boolean protect, boolean tls, LongConsumer outputRuleNanos)
            throws Exception {
        ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
        Machine m = new Machine(MachineConfig.defaults().withRam(ramMib << 20), router);
        m.load(ElfImage.parse(image, GuestImages.bytes(image)));
        PrimarySettings base = PrimarySettings.defaults(dir.resolve("primary"));
        PrimarySettings ps = !tls ? base : base.withConnection(base.connection().withTls(PKI.issue(dir.resolve("pki"),
                "primary-host", java.util.List.of("127.0.0.1"), Duration.ofDays(1))));
        io.ftvm.replication.ConnectionSettings backupLink = !tls ? base.connection() : base.connection().withTls(
                PKI.issue(dir.resolve("pki"), "backup-host", java.util.List.of("127.0.0.1"), Duration.ofDays(1)));
        primary = new PrimaryRole("vm", ps, m, router, history, 0, RoleAuthority.ALWAYS_WINS, WallClock.SYSTEM,
                VmMetrics.discarding("vm").observeOutputHold(outputRuleNanos));
        if (protect) {
            backup = new BackupRole("vm", ID.backup(), new BackupSettings(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), 0), backupLink, dir.resolve("backup"), 1 << 20,
                    Duration.ofMillis(200), Duration.ofSeconds(30), ps),
                    (reason, planned) -> TakeoverAuthority.Outcome.fenced(), WallClock.SYSTEM,
                    VmMetrics.discarding("vm"));
            backup.start();
        } else {
            backup = null;
        }
        primary.start();
        if (protect) {
            primary.attachBackup(backup.address(), "bench-backup", ID.primary());
            await(() -> primary.state() == PrimaryRole.State.PROTECTED
                    && backup.state() == BackupRole.State.REPLAYING, "protection");
        }
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() throws Exception {
        primary.close();
        if (backup != null) {
            backup.close();
        }
    }
}
