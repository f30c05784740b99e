package io.ftvm.coordinator;

import static io.ftvm.coordinator.ZkTestSupport.WAIT;
import static io.ftvm.coordinator.ZkTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** The link to ZooKeeper going away and coming back, as the roles see it. */
class ConnectionIT {

    @Test
    void aShortOutageSuspendsAndReconnectsWithTheSameSession() throws Exception {
        try (TestingServer server = ZkTestSupport.server();
             CoordinatorClient c = client(server.getConnectString(), "blip");
             HostRegistry reg = HostRegistry.register(c, ZkTestSupport.host("h1", 1))) {
            List<ConnectionMonitor.Event> events = new CopyOnWriteArrayList<>();
            c.connection().addListener(events::add);
            long session = c.sessionId();
            server.stop();
            assertThat(c.connection().await(CoordinationState.SUSPENDED, WAIT)).isTrue();
            server.restart();
            assertThat(c.connection().await(CoordinationState.CONNECTED, WAIT)).isTrue();
            await().atMost(WAIT).until(() -> events.size() == 2);
            assertThat(events).containsExactly(
                    new ConnectionMonitor.Event(CoordinationState.CONNECTED, CoordinationState.SUSPENDED, false),
                    new ConnectionMonitor.Event(CoordinationState.SUSPENDED, CoordinationState.CONNECTED, false));
            assertThat(c.sessionId()).isEqualTo(session);
            assertThat(reg.registered()).isTrue();
        }
    }

    @Test
    void anOutageLongerThanTheSessionIsLostThenANewSessionRegistersAgain() throws Exception {
        try (TestingServer server = ZkTestSupport.server();
             CoordinatorClient c = client(server.getConnectString(), "outage");
             HostRegistry reg = HostRegistry.register(c, ZkTestSupport.host("h1", 1))) {
            VmRecords records = new VmRecords(c);
            records.create("vm", ZkTestSupport.vmSpec(1));
            List<ConnectionMonitor.Event> events = new CopyOnWriteArrayList<>();
            c.connection().addListener(events::add);
            long session = c.sessionId();
            server.stop();
            assertThat(c.connection().await(CoordinationState.SUSPENDED, WAIT)).isTrue();
            // a role change while ZooKeeper is away fails with a typed error once the retry policy gives up
            assertThatThrownBy(() -> records.transition("vm", 0, new Transition.Start("h1")))
                    .isInstanceOf(CoordinatorUnavailableException.class);
            assertThat(c.connection().await(CoordinationState.LOST, WAIT)).isTrue();
            server.restart();
            assertThat(c.connection().await(CoordinationState.CONNECTED, WAIT)).isTrue();
            await().atMost(WAIT).until(() -> events.size() == 3);
            assertThat(events).containsExactly(
                    new ConnectionMonitor.Event(CoordinationState.CONNECTED, CoordinationState.SUSPENDED, false),
                    new ConnectionMonitor.Event(CoordinationState.SUSPENDED, CoordinationState.LOST, false),
                    new ConnectionMonitor.Event(CoordinationState.LOST, CoordinationState.CONNECTED, true));
            await().atMost(WAIT).until(() -> reg.registered() && c.sessionId() != session);
            // and role changes work again
            assertThat(records.transition("vm", 0, new Transition.Start("h1")).won()).isTrue();
        }
    }

    @Test
    void noServerMeansATypedErrorAtStart() throws Exception {
        String connect;
        try (TestingServer server = ZkTestSupport.server()) {
            connect = server.getConnectString();
        }
        CoordinatorConfig cfg = ZkTestSupport.config(connect, "none")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500));
        assertThatThrownBy(() -> new CoordinatorClient(cfg).start())
                .isInstanceOf(CoordinatorUnavailableException.class)
                .hasMessageContaining("answered within");
    }
}
