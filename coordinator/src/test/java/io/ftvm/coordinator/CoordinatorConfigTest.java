package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoordinatorConfigTest {
    private static final Credentials CRED = new Credentials("ftvm", "secret");

    @Test
    void defaults() {
        CoordinatorConfig c = CoordinatorConfig.of("127.0.0.1:2181", "prod", CRED);
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.worldReadable()).as("closed by default").isFalse();
        assertThat(c.zooKeeperTls()).as("plain unless configured").isNull();
    }

    @Test
    void zooKeeperTlsSurvivesTheOtherSettings() {
        ZooKeeperTls tls = new ZooKeeperTls(Path.of("h.pem"), Path.of("h.key"), Path.of("ca.pem"), Path.of("."));
        CoordinatorConfig c = CoordinatorConfig.of("127.0.0.1:2281", "prod", CRED).withZooKeeperTls(tls)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2))
                .withRetry(Duration.ofMillis(10), Duration.ofMillis(20), 1).withCredentials(CRED)
                .withWorldReadable(false).withManagerRetryInterval(Duration.ofSeconds(1));
        assertThat(c.zooKeeperTls()).isEqualTo(tls);
        assertThat(c.withZooKeeperTls(null).zooKeeperTls()).isNull();
        assertThatThrownBy(() -> new ZooKeeperTls(null, Path.of("k"), Path.of("c"), Path.of(".")))
                .hasMessageContaining("certificate");
    }

    @Test
    void messagesNameTheKey() {
        assertThatThrownBy(() -> CoordinatorConfig.of("", "prod", CRED)).hasMessageContaining("coordinator.connectString");
        assertThatThrownBy(() -> CoordinatorConfig.of("h:1/chroot", "prod", CRED)).hasMessageContaining("chroot");
        assertThatThrownBy(() -> CoordinatorConfig.of("h:1", "a/b", CRED))
                .hasMessageContaining("coordinator.clusterName 'a/b'");
        assertThatThrownBy(() -> CoordinatorConfig.of("h:1", "c", CRED).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("coordinator.sessionTimeout");
        assertThatThrownBy(() -> CoordinatorConfig.of("h:1", "c", CRED)
                .withRetry(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .hasMessageContaining("coordinator.retryMaxSleep");
        assertThatThrownBy(() -> new Credentials("a:b", "x")).hasMessageContaining("coordinator.user");
        assertThatThrownBy(() -> new Credentials("a", "")).hasMessageContaining("coordinator.password");
    }

    @Test
    void passwordIsNotPrinted() {
        assertThat(CoordinatorConfig.of("h:1", "c", CRED).toString()).doesNotContain("secret");
    }

    @Test
    void digestIdIsZooKeepersFormat() {
        // user:base64(sha1("user:password")), as zkCli's "addauth digest" would match
        assertThat(new Credentials("super", "test").digestId()).isEqualTo("super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
    }
}
