package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        return GOOD.replaceAll("(?m)^" + key + ": .*$", java.util.regex.Matcher.quoteReplacement(key + ": " + value));
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
        // the failure detector's floor: five heartbeats (at least 50 ms, at most the peer timeout) unless set
        assertThat(c.peerTimeoutMinMs()).isNull();
        assertThat(c.effectivePeerTimeoutMinMs()).isEqualTo(250);
        assertThat(loader.parse("floor.yaml", GOOD + "peerTimeoutMinMs: 80\n").effectivePeerTimeoutMinMs())
                .isEqualTo(80);
        assertThat(loader.parse("fast.yaml", with("heartbeatIntervalMs", "5")).effectivePeerTimeoutMinMs())
                .isEqualTo(50);
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
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "peerTimeoutMinMs: 50\n"))
                .hasMessageContaining("peerTimeoutMinMs").hasMessageContaining("longer than heartbeatIntervalMs (50)");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "peerTimeoutMinMs: 501\n"))
                .hasMessageContaining("peerTimeoutMinMs").hasMessageContaining("at most peerTimeoutMs (500)");
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

    @Test
    void zookeeperTlsIsOffByDefaultAndNeedsTheTlsSection() {
        String tls = "tls:\n  certificate: /etc/ftvm/host.pem\n  privateKey: /etc/ftvm/host.key\n"
                + "  trustedCa: /etc/ftvm/ca.pem\n";
        assertThat(loader.parse("f.yaml", GOOD).zookeeperTls()).isFalse();
        assertThat(loader.parse("f.yaml", GOOD + tls).zookeeperTls()).as("tls alone is replication only").isFalse();
        assertThat(loader.parse("f.yaml", GOOD + "zookeeperTls: true\n" + tls).zookeeperTls()).isTrue();
        assertThat(loader.parse("f.yaml", GOOD + tls + "zookeeperTls: false\n").zookeeperTls()).isFalse();
        assertThat(loader.parse("f.yaml", GOOD + "zookeeperTls: false\n").zookeeperTls()).isFalse();
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "zookeeperTls: true\n"))
                .isInstanceOf(NodeConfig.InvalidConfigException.class).hasMessageContaining("f.yaml")
                .hasMessageContaining("zookeeperTls").hasMessageContaining("tls section");
        for (String bad : new String[] {"'true'", "1", "0", "maybe", "[true]", "{a: true}"}) {
            assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "zookeeperTls: " + bad + "\n" + tls)).as(bad)
                    .isInstanceOf(NodeConfig.InvalidConfigException.class)
                    .hasMessageContaining("zookeeperTls: expected a boolean (true or false)");
        }
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "zookeeperTls: true\nzookeeperTls: false\n" + tls))
                .isInstanceOf(NodeConfig.InvalidConfigException.class).hasMessageContaining("zookeeperTls");
    }

    @Test
    void imageDirDefaultsToImagesUnderDataDir() {
        assertThat(loader.parse("f.yaml", GOOD).imageDir()).isEqualTo(Path.of("/var/lib/ftvm/images"));
        assertThat(loader.parse("f.yaml", GOOD + "imageDir: /srv/images\n").imageDir())
                .isEqualTo(Path.of("/srv/images"));
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "imageDir: 12\n"))
                .hasMessageContaining("imageDir").hasMessageContaining("expected a string");
    }

    @Test
    void addressesAreCheckedBySyntax() {
        assertThatThrownBy(() -> loader.parse("f.yaml", with("bindAddress", "999.1.1.1")))
                .hasMessageContaining("bindAddress").hasMessageContaining("999.1.1.1").hasMessageContaining("IPv4");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("bindAddress", "'bad host'")))
                .hasMessageContaining("bindAddress").hasMessageContaining("not a host name");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("bindAddress", "0.0.0.0")))
                .hasMessageContaining("advertiseAddress").hasMessageContaining("every interface");
        assertThat(loader.parse("f.yaml", with("bindAddress", "0.0.0.0") + "advertiseAddress: h1.example\n")
                .advertiseAddress()).isEqualTo("h1.example");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "advertiseAddress: '::'\n"))
                .hasMessageContaining("advertiseAddress").hasMessageContaining("wildcard");
        assertThat(loader.parse("f.yaml", with("bindAddress", "'::1'")).bindAddress()).isEqualTo("::1");
        for (String zk : new String[] {"zk1:99999", "zk1:abc", "zk1:2181,", "'[::1'", "'zk 1:2181'", "'::1:2181'",
            "zk1:2181/", "1.2.3.4.5:2181"}) {
            assertThatThrownBy(() -> loader.parse("f.yaml", with("zookeeper", zk))).as(zk)
                    .isInstanceOf(NodeConfig.InvalidConfigException.class).hasMessageContaining("zookeeper");
        }
        assertThat(loader.parse("f.yaml", with("zookeeper", "'zk1,[::1]:2182,10.0.0.1:2181/ftvm'")).zookeeper())
                .isEqualTo("zk1,[::1]:2182,10.0.0.1:2181/ftvm");
    }

    @Test
    void numbersMustBeIntegersInRange() {
        assertThatThrownBy(() -> loader.parse("f.yaml", with("consolePort", "1.5")))
                .hasMessageContaining("consolePort: expected an integer, not a decimal number '1.5'");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("consolePort", "'7000'")))
                .hasMessageContaining("consolePort: expected an integer, not a string '7000'");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("capacityMib", "true")))
                .hasMessageContaining("capacityMib: expected an integer, not a boolean");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("consolePort", "4294967297")))
                .hasMessageContaining("consolePort").hasMessageContaining("out of range");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("sessionTimeoutMs", "9223372036854775807")))
                .hasMessageContaining("sessionTimeoutMs").hasMessageContaining("1000-300000");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("sessionTimeoutMs", "99999999999999999999")))
                .hasMessageContaining("sessionTimeoutMs").hasMessageContaining("out of range");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("heartbeatIntervalMs", "100000")))
                .hasMessageContaining("heartbeatIntervalMs").hasMessageContaining("1-10000");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("capacityMib", "999999999999")))
                .hasMessageContaining("capacityMib");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("takeoverGraceMs", "-1")))
                .hasMessageContaining("takeoverGraceMs");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "adminPort: 7000\nadminToken: 0123456789abcdef\n"))
                .hasMessageContaining("adminPort").hasMessageContaining("consolePort");
    }

    @Test
    void textMustBeText() {
        assertThatThrownBy(() -> loader.parse("f.yaml", with("password", "12345678")))
                .hasMessageContaining("password: expected a string, not an integer").hasMessageContaining("quote it");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("hostId", "yes")))
                .hasMessageContaining("hostId: expected a string, not a boolean");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("hostId", "[a, b]")))
                .hasMessageContaining("hostId: expected a string, not a list");
        assertThatThrownBy(() -> loader.parse("f.yaml", with("hostId", "\"a\\nb\"")))
                .hasMessageContaining("hostId").hasMessageContaining("a\\u000ab").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "tls: /etc/ftvm/tls\n"))
                .hasMessageContaining("tls: expected a mapping");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "tls:\n  certificate: /a\n  key: /b\n"))
                .hasMessageContaining("unknown key 'tls.key'").hasMessageContaining("privateKey");
    }

    @Test
    void yamlItselfIsStrict() {
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "hostId: host-b\n"))
                .isInstanceOf(NodeConfig.InvalidConfigException.class).hasMessageContaining("hostId")
                .hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "tls:\n  certificate: /a\n  certificate: /b\n"))
                .hasMessageContaining("Duplicate").hasMessageContaining("certificate");
        assertThatThrownBy(() -> loader.parse("f.yaml", "# only a comment\n")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> loader.parse("f.yaml", "just text")).hasMessageContaining("mapping")
                .hasMessageContaining("a string");
        assertThatThrownBy(() -> loader.parse("f.yaml", GOOD + "---\nhostId: other\n"))
                .isInstanceOf(NodeConfig.InvalidConfigException.class).hasMessageContaining("f.yaml");
        assertThatThrownBy(() -> loader.parse("f.yaml", "hostId: [unclosed"))
                .hasMessageContaining("not valid YAML at line").satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n"));
        String deep = "a: " + "[".repeat(5000);
        assertThatThrownBy(() -> loader.parse("f.yaml", deep)).isInstanceOf(NodeConfig.InvalidConfigException.class);
        String laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        assertThatThrownBy(() -> loader.parse("f.yaml", laughs)).isInstanceOf(NodeConfig.InvalidConfigException.class);
        assertThatThrownBy(() -> loader.parse("f.yaml", "a: " + "x".repeat(NodeConfigLoader.MAX_BYTES)))
                .hasMessageContaining("larger than");
    }

    @Test
    void filesAreBoundedAndMustBeReadableText(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        try (var out = Files.newOutputStream(big)) {
            byte[] line = "# padding padding padding padding padding padding padding padding padding\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (long n = 0; n <= NodeConfigLoader.MAX_BYTES / line.length; n++) {
                out.write(line);
            }
        }
        assertThatThrownBy(() -> loader.load(big)).hasMessageContaining("larger than 1048576 bytes");
        assertThatThrownBy(() -> loader.load(dir)).hasMessageContaining("is a directory");
        Path binary = Files.write(dir.resolve("bin.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe});
        assertThatThrownBy(() -> loader.load(binary)).hasMessageContaining("not UTF-8");
        Path empty = Files.write(dir.resolve("empty.yaml"), new byte[0]);
        assertThatThrownBy(() -> loader.load(empty)).hasMessageContaining("is empty");
        Path secret = Files.writeString(dir.resolve("secret.yaml"), GOOD);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(secret), "running as root: every file is readable");
        assertThatThrownBy(() -> loader.load(secret)).hasMessageContaining("permission denied");
    }

    private static String local(Path dir) {
        return GOOD.replace("zk1:2181,zk2:2181", "127.0.0.1:2181,localhost:2182")
                .replace("bindAddress: 10.0.0.5", "bindAddress: 127.0.0.1")
                .replace("dataDir: /var/lib/ftvm", "dataDir: " + dir.resolve("data"));
    }

    private static Path tlsFile(String name) throws Exception {
        return Path.of(NodeConfigLoaderTest.class.getResource("/tls/" + name).toURI());
    }

    private static String tls(Path cert, Path key, Path ca) {
        return "tls:\n  certificate: " + cert + "\n  privateKey: " + key + "\n  trustedCa: " + ca + "\n";
    }

    @Test
    void loadChecksWhatTheConfigNamesOnThisHost(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), local(dir)
                + tls(tlsFile("backup.pem"), tlsFile("backup.key"), tlsFile("ca.pem")));
        assertThat(loader.load(good).tls()).isNotNull();
        Path unknownHost = Files.writeString(dir.resolve("u.yaml"), local(dir)
                .replace("localhost:2182", "no-such-host.invalid:2182"));
        assertThatThrownBy(() -> loader.load(unknownHost)).hasMessageContaining("zookeeper")
                .hasMessageContaining("no-such-host.invalid").hasMessageContaining("does not resolve");
        Path unknownBind = Files.writeString(dir.resolve("b.yaml"), local(dir)
                .replace("bindAddress: 127.0.0.1", "bindAddress: no-such-host.invalid"));
        assertThatThrownBy(() -> loader.load(unknownBind)).hasMessageContaining("bindAddress");
        Path missing = Files.writeString(dir.resolve("m.yaml"), local(dir)
                + tls(dir.resolve("nope.pem"), tlsFile("backup.key"), tlsFile("ca.pem")));
        assertThatThrownBy(() -> loader.load(missing)).hasMessageContaining("tls.certificate")
                .hasMessageContaining("nope.pem").hasMessageContaining("does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n");
        Path badPem = Files.writeString(dir.resolve("p.yaml"), local(dir)
                + tls(tlsFile("backup.pem"), tlsFile("backup.key"), garbage));
        assertThatThrownBy(() -> loader.load(badPem)).isInstanceOf(NodeConfig.InvalidConfigException.class)
                .hasMessageContaining("tls").hasMessageContaining("garbage.pem")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path notDir = Files.writeString(dir.resolve("data"), "a file");
        Path dataIsFile = Files.writeString(dir.resolve("d.yaml"), local(dir));
        assertThatThrownBy(() -> loader.load(dataIsFile)).hasMessageContaining("dataDir")
                .hasMessageContaining(notDir + " exists and is not a directory");
    }
}
