package io.ftvm.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleMessage;
import io.ftvm.replication.console.ConsoleMessage.Redirect;
import io.ftvm.replication.console.ConsoleMessage.Standby;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A HELLO that reaches a host while it takes the VM over is held until the host serves (or not), and one that reaches
 * the VM's in-sync backup waits a moment for it to start; clients of version 3 on are told the standby.
 */
class HeldHelloTest {
    private static final ConsoleServerConfig HOLDS = ConsoleServerConfig.defaults()
            .withHolds(Duration.ofMillis(600), Duration.ofMillis(200));

    @Test
    void aHelloWhileTheHostTakesOverIsWelcomedOnceItServes() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput("ab".getBytes());
        backend.setServing(new ServingState.Arriving("the primary handed the VM over"));
        try (ConsoleServer server = TestSupport.server(backend, HOLDS); RawClient c = new RawClient(server.address())) {
            c.hello(0, ConsoleMessage.NO_INPUT);
            Thread.sleep(150);
            assertThat(c.available()).as("nothing is said while the takeover runs").isZero();
            backend.setServing(ServingState.SERVING);
            Welcome w = c.read(Welcome.class);
            assertThat(w.outputEnd()).isEqualTo(2);
            assertThat(w.version()).isEqualTo(ConsoleCodec.VERSION);
        }
    }

    @Test
    void aHeldHelloIsSentOnWhenTheTakeoverFailsOrTakesTooLong() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.setServing(new ServingState.Arriving("taking over"));
        try (ConsoleServer server = TestSupport.server(backend, HOLDS)) {
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, ConsoleMessage.NO_INPUT);
                Thread.sleep(50);
                backend.setServing(ServingState.notServing("winner:7100", "another host won the takeover"));
                assertThat(c.read(Redirect.class)).isEqualTo(new Redirect("winner:7100",
                        "another host won the takeover"));
                assertThat(c.closedByServer()).isTrue();
            }
            backend.setServing(new ServingState.Arriving("taking over"));
            try (RawClient c = new RawClient(server.address())) {
                long t0 = System.nanoTime();
                c.hello(0, ConsoleMessage.NO_INPUT);
                Redirect r = c.read(Redirect.class);
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(550L, 5_000L);
                assertThat(r.hint()).isEmpty();
                assertThat(r.reason()).contains("did not take the VM over within 600 ms").contains("taking over");
            }
            TestSupport.await(() -> backend.listenerCount() == 0, "the holds' listeners removed");
        }
    }

    @Test
    void theInSyncBackupHoldsAHelloBrieflyThenSendsItToThePrimary() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.setServing(ServingState.notServing("primary:7100", "this host is the backup", true));
        try (ConsoleServer server = TestSupport.server(backend, HOLDS)) {
            try (RawClient c = new RawClient(server.address())) {
                long t0 = System.nanoTime();
                c.hello(0, ConsoleMessage.NO_INPUT);
                assertThat(c.read(Redirect.class).hint()).isEqualTo("primary:7100");
                assertThat((System.nanoTime() - t0) / 1_000_000).as("the standby hold").isBetween(150L, 550L);
            }
            // the backup starts taking over within the standby hold: the client waits on, and is welcomed
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, ConsoleMessage.NO_INPUT);
                Thread.sleep(100);
                backend.setServing(new ServingState.Arriving("the primary went silent"));
                Thread.sleep(250); // past the standby hold: the takeover is waited for now
                assertThat(c.available()).isZero();
                backend.setServing(ServingState.SERVING);
                c.read(Welcome.class);
            }
        }
    }

    @Test
    void aClientIsToldTheStandbyFromVersion3OnAndVersion2ClientsStillConnect() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.setStandby("backup:7100");
        try (ConsoleServer server = TestSupport.server(backend)) {
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, ConsoleMessage.NO_INPUT);
                c.read(Welcome.class);
                assertThat(c.read(Standby.class).hint()).isEqualTo("backup:7100");
                backend.setStandby("");
                assertThat(c.read(Standby.class).hint()).as("the backup is gone").isEmpty();
            }
            backend.setStandby("backup:7100");
            try (RawClient old = new RawClient(server.address())) {
                old.send(new ConsoleMessage.Hello(ConsoleCodec.MIN_VERSION, TestSupport.VM, 0,
                        ConsoleMessage.NO_INPUT, ConsoleAccess.READ, TestSupport.TOKEN, "old-client"));
                assertThat(old.read(Welcome.class).version()).isEqualTo(ConsoleCodec.MIN_VERSION);
                backend.appendOutput("x".getBytes());
                assertThat((Object) old.read()).as("no STANDBY for a version-2 client")
                        .isInstanceOf(ConsoleMessage.Output.class);
            }
            try (RawClient future = new RawClient(server.address())) {
                future.send(new ConsoleMessage.Hello(ConsoleCodec.VERSION + 1, TestSupport.VM, 0,
                        ConsoleMessage.NO_INPUT, ConsoleAccess.READ, TestSupport.TOKEN, "future-client"));
                assertThat(future.read(ConsoleMessage.Error.class).message()).contains("2..3");
            }
        }
    }
}
