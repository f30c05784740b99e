package io.ftvm.node.daemon;

import static io.ftvm.node.console.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.guests.GuestImages;
import io.ftvm.node.console.ConsoleAuth;
import io.ftvm.node.console.ConsoleServer;
import io.ftvm.node.console.ConsoleServerConfig;
import io.ftvm.node.console.ServingState;
import io.ftvm.node.console.TestSupport;
import io.ftvm.primary.ConsoleRouter;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.primary.RoleAuthority;
import io.ftvm.primary.VmMetrics;
import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.WallClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's console on a host, served from a real primary role: when the role ends on its own (fenced by ZooKeeper's
 * verdict from inside the role, not by a reconcile pass), its connected clients are sent on at once. The chaos suite
 * once found a client connected to a fenced primary for a minute, its input never acknowledged.
 */
class VmConsoleBackendTest {
    @TempDir
    Path dir;

    private final ConsoleRouter router = new ConsoleRouter((i, o, b) -> { });
    private final OutputHistory history = new OutputHistory(1 << 20, 0);
    private PrimaryRole role;

    private PrimaryRole start() throws Exception {
        Machine m = new Machine(MachineConfig.defaults().withRam(16L << 20), router);
        m.load(ElfImage.parse("kvstore.elf", GuestImages.bytes("kvstore")));
        role = new PrimaryRole(TestSupport.VM, PrimarySettings.defaults(dir.resolve("snapshots")), m, router, history,
                0, RoleAuthority.ALWAYS_WINS, WallClock.SYSTEM, VmMetrics.discarding(TestSupport.VM));
        role.start();
        return role;
    }

    @AfterEach
    void stop() throws Exception {
        if (role != null) {
            role.close();
        }
    }

    @Test
    void aRoleFencedOnItsOwnEndsItsClientsStreamsAtOnce() throws Exception {
        PrimaryRole p = start();
        VmConsoleBackend console = new VmConsoleBackend();
        console.serve(p, history);
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        StringBuilder out = new StringBuilder();
        try (ConsoleServer server = new ConsoleServer(TestSupport.loopback(), ConsoleServerConfig.defaults(),
                new ConsoleAuth(TestSupport.TOKEN))) {
            server.attach(TestSupport.VM, console);
            try (ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server)),
                    (off, b) -> {
                        synchronized (out) {
                            out.append(new String(b, StandardCharsets.ISO_8859_1));
                        }
                    }, events::add)) {
                await(() -> client.state() == ConsoleClient.State.CONNECTED, "connected");
                client.send("set a 1\n".getBytes(StandardCharsets.US_ASCII));
                await(() -> client.inputAcked() == 8, "input acknowledged while the role runs");

                p.fence("the record names host-2 primary at epoch 9"); // what a lost compare-and-set does
                assertThat(console.servingState()).isInstanceOf(ServingState.NotServing.class);
                await(() -> events.stream().anyMatch(e -> e.kind() == ConnectionEvent.Kind.DISCONNECTED),
                        "the client sent on without a reconcile pass");
                assertThat(events.stream().filter(e -> e.kind() == ConnectionEvent.Kind.DISCONNECTED).findFirst()
                        .orElseThrow().detail()).contains("no longer serves the VM");
            }
        }
    }

    @Test
    void aHintAfterTheRoleWasFencedSendsWaitingClientsThere() throws Exception {
        PrimaryRole p = start();
        VmConsoleBackend console = new VmConsoleBackend();
        console.serve(p, history);
        AtomicInteger fired = new AtomicInteger();
        p.fence("lost the race to go unprotected");
        console.addListener(fired::incrementAndGet);
        console.hintPrimary("10.0.0.2:7001", "the primary is host-2");
        assertThat(fired).as("clients are told").hasPositiveValue();
        assertThat(console.servingState()).isEqualTo(ServingState.notServing("10.0.0.2:7001",
                "the primary is host-2", false));

        fired.set(0);
        console.hintPrimary("10.0.0.3:7001", "the primary is host-3");
        assertThat(fired).as("only the hint changes for a host that serves nothing").hasValue(0);
        assertThat(((ServingState.NotServing) console.servingState()).hint()).contains("10.0.0.3:7001");
    }

    @Test
    void aLiveRoleIsNotUndoneByAHint() throws Exception {
        PrimaryRole p = start();
        VmConsoleBackend console = new VmConsoleBackend();
        console.serve(p, history);
        console.hintPrimary("10.0.0.2:7001", "the primary is host-2 (a view older than this host's takeover)");
        assertThat(console.servingState()).isEqualTo(ServingState.SERVING);
    }
}
