package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ftd's YAML config: a good file parses; every kind of bad input is refused with a message naming the problem. */
class NodeConfigLoaderTest {
    private static final String GOOD = String.join("\n",
            "hostId: host-a",
            "cluster: prod",
            "zookeeper: zk1:2181,zk2:2181",
            "user: ftvm",
            "password: s3cret-pass",
            "dataDir: /var/lib/ftvm",
            "bindAddress: 10.0.0.5",
            "consolePort: 7000",
            "capacityMib: 4096",
            "heartbeatIntervalMs: 50",
            "peerTimeoutMs: 500",
            "backupLossTimeoutMs: 1000",
            "takeoverGraceMs: 100",
            "sessionTimeoutMs: 4000",
            "");

    private final NodeConfigLoader loader = new NodeConfigLoader();

    private static String with(String key, String value) {
        return GOOD.replaceAll("(?m)^" + key + ": .*$", key + ": " + value);
    }

    private static String without(String key) {
        return GOOD.replaceAll("(?m)^" + key + ": .*\\n", "");
    }

    @Test
    void aGoodConfigParses() {
        NodeConfig c = loader.parse("good.yaml", GOOD + "tls:\n  certificate: /etc/ftvm/host.pem\n"
                + "  privateKey: /etc/ftvm/host.key\n  trustedCa: /etc/ftvm/ca.pem\n");
        assertThat(c.hostId()).isEqualTo("host-a");
        assertThat(c.advertiseAddress()).as("defaults to the bind address").isEqualTo("10.0.0.5");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/ftvm"));
        assertThat(c.tls().trustedCa()).isEqualTo(Path.of("/etc/ftvm/ca.pem"));
        assertThat(loader.parse("no-tls.yaml", GOOD).tls()).isNull();
        assertThat(loader.parse("no-zone.yaml", GOOD).zone()).isNull();
        assertThat(loader.parse("zone.yaml", GOOD + "zone: rack-a\n").zone()).isEqualTo("rack-a");
    }

    @Test
    void badInputIsRefusedByName() {
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "colour: blue\n"))
                .isInstanceOf(NodeConfig.InvalidConfigException.class)
                .hasMessageContaining("f.yaml").hasMessageContaining("unknown key 'colour'")
                .hasMessageContaining("hostId");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("consolePort", "lots")))
                .hasMessageContaining("consolePort");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("consolePort", "70000")))
                .hasMessageContaining("consolePort").hasMessageContaining("70000");
        assertThatThrownBy(() -> loader.parse("f.yaml", without("hostId")))
                .hasMessageContaining("hostId: missing");
        assertThatThrownBy(() -> loader.parse("f.yaml", "- a\n- b\n")).hasMessageContaining("mapping");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("hostId", "'bad host!'")))
                .hasMessageContaining("hostId").hasMessageContaining("bad host!");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("password", "short")))
                .hasMessageContaining("password").hasMessageContaining("at least 8").hasMessageNotContaining("short");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("peerTimeoutMs", "20")))
                .hasMessageContaining("peerTimeoutMs").hasMessageContaining("heartbeatIntervalMs");
        assertThatThrownBy(() -> loader.parse("f.yaml", without("capacityMib")))
                .hasMessageContaining("capacityMib");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "tls:\n  certificate: /x.pem\n"))
                .hasMessageContaining("tls").hasMessageContaining("privateKey");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "adminPort: 9100\n"))
                .hasMessageContaining("adminToken").hasMessageContaining("at least 16");
        assertThat(loader.parse("f.yaml", GOOD + "adminPort: 9100\nadminToken: 0123456789abcdef\n").adminPort())
                .isEqualTo(9100);
        assertThatThrownBy(() -> loader.parse("f.yaml", "hostId: [unclosed"))
                .isInstanceOf(NodeConfig.InvalidConfigException.class).hasMessageContaining("f.yaml");
        assertThatThrownBy(() -> loader.parse("f.yaml", "")).hasMessageContaining("f.yaml");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "recordingMaxMib: 5000\n"))
                .hasMessageContaining("recordingMaxMib").hasMessageContaining("0 (off) or 1-1024");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "recordingMaxMib: -1\n"))
                .hasMessageContaining("recordingMaxMib");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "zone: rack a\n"))
                .hasMessageContaining("zone").hasMessageContaining("rack a");
        assertThatThrownBy(() -> loader.load(Path.of("/nonexistent/ftd.yaml")))
                .hasMessageContaining("cannot read config /nonexistent/ftd.yaml");
    }
}
