package io.ftvm.coordinator;

import static io.ftvm.coordinator.ZkTestSupport.WAIT;
import static io.ftvm.coordinator.ZkTestSupport.client;
import static io.ftvm.coordinator.ZkTestSupport.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HostRegistryIT {
    private static TestingServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ZkTestSupport.server();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void membershipSeesHostsJoinAndLeave() throws Exception {
        CoordinatorClient c2 = client(server.getConnectString(), "reg");
        try (CoordinatorClient observer = client(server.getConnectString(), "reg");
             HostMembership view = new HostMembership(observer).start();
             CoordinatorClient c1 = client(server.getConnectString(), "reg")) {
            assertThat(view.awaitInitialized(WAIT)).isTrue();
            List<HostMembership.Change> changes = new CopyOnWriteArrayList<>();
            view.addListener(changes::add);
            HostRegistry r1 = HostRegistry.register(c1, host("h1", 4096));
            HostRegistry r2 = HostRegistry.register(c2, host("h2", 8192));
            await().atMost(WAIT).until(() -> view.liveHosts().size() == 2);
            assertThat(view.liveHosts().get("h2")).isEqualTo(host("h2", 8192));
            assertThat(r1.registered()).isTrue();
            r1.close();
            await().atMost(WAIT).until(() -> !view.isLive("h1"));
            assertThat(changes).contains(new HostMembership.Change("h1", null, false));
            c2.close(); // the session ends: the ephemeral node goes with it
            await().atMost(WAIT).until(() -> view.liveHosts().isEmpty());
            r2.close();
        } finally {
            c2.close();
        }
    }

    @Test
    void sessionExpiryRemovesTheHostAndItRegistersAgain() throws Exception {
        try (CoordinatorClient observer = client(server.getConnectString(), "expiry");
             HostMembership view = new HostMembership(observer).start();
             CoordinatorClient c = client(server.getConnectString(), "expiry");
             HostRegistry r = HostRegistry.register(c, host("h1", 4096))) {
            List<HostMembership.Change> changes = new CopyOnWriteArrayList<>();
            view.addListener(changes::add);
            await().atMost(WAIT).until(() -> view.isLive("h1"));
            long before = c.sessionId();
            ZkTestSupport.expireSession(c, server.getConnectString());
            await().atMost(WAIT).until(() -> changes.contains(new HostMembership.Change("h1", null, false)));
            // a new session, and the registration is back under it
            await().atMost(WAIT).until(() -> r.registered() && c.sessionId() != before);
            await().atMost(WAIT).until(() -> view.isLive("h1"));
        }
    }

    @Test
    void aSecondHostWithTheSameIdIsRefused() throws Exception {
        try (CoordinatorClient c1 = client(server.getConnectString(), "dup");
             CoordinatorClient c2 = client(server.getConnectString(), "dup");
             HostRegistry r = HostRegistry.register(c1, host("same", 1))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> HostRegistry.register(c2, host("same", 1)))
                    .isInstanceOf(HostIdConflictException.class)
                    .hasMessageContaining("host id 'same' is registered by another live session");
            // it waited for a previous session to end first (session + connection timeout)
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(5_000);
            assertThat(r.registered()).isTrue();
        }
    }

    @Test
    void unreadableRegistrationsAreLeftOut() throws Exception {
        try (CoordinatorClient c = client(server.getConnectString(), "junk");
             HostMembership view = new HostMembership(c).start()) {
            c.curator().create().withMode(CreateMode.EPHEMERAL).forPath("/hosts/junk",
                    "hello".getBytes(StandardCharsets.UTF_8));
            HostRegistry.register(c, host("ok", 1));
            await().atMost(WAIT).until(() -> view.isLive("ok") && view.unreadable().containsKey("junk"));
            assertThat(view.isLive("junk")).isFalse();
            assertThat(view.unreadable().get("junk").getMessage()).contains("/ftvm/junk/hosts/junk: not JSON");
        }
    }
}
