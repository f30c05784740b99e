package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ftd}'s command line: bad arguments and every kind of bad config exit with 2 and say what is wrong in one
 * line on stderr, without a stack trace; a start that fails on an address or port exits 4, also in one line.
 */
class FtdCommandTest {
    /** What one in-process run of ftd returned and printed on stderr. */
    private record Run(int code, String err) {
        List<String> lines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static Run ftd(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Ftd.commandLine().execute(args);
            return new Run(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    /** A config that passes every check on this host (ZooKeeper is never reached: the cases fail before). */
    private static String good(Path dir) {
        return String.join("\n",
                "hostId: host-a",
                "cluster: test",
                "zookeeper: 127.0.0.1:1",
                "user: ftvm",
                "password: s3cret-pass",
                "dataDir: " + dir.resolve("data"),
                "bindAddress: 127.0.0.1",
                "consolePort: 0",
                "capacityMib: 1024",
                "heartbeatIntervalMs: 50",
                "peerTimeoutMs: 500",
                "backupLossTimeoutMs: 1000",
                "takeoverGraceMs: 100",
                "sessionTimeoutMs: 4000",
                "");
    }

    private static String with(Path dir, String key, String value) {
        String g = good(dir);
        return g.contains(key + ": ") ? g.replaceAll("(?m)^" + key + ": .*$", key + ": " + value)
                : g + key + ": " + value + "\n";
    }

    @Test
    void noConfigIsAUsageError() {
        Run r = ftd();
        assertThat(r.code()).isEqualTo(2);
    }

    @Test
    void everyBadConfigExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("bindAddress", with(dir, "bindAddress", "999.1.1.1"));
        cases.put("zookeeper", with(dir, "zookeeper", "no-such-host.invalid:2181"));
        cases.put("tls.certificate", good(dir) + "tls:\n  certificate: " + dir.resolve("none.pem")
                + "\n  privateKey: " + dir.resolve("none.key") + "\n  trustedCa: " + dir.resolve("ca.pem") + "\n");
        cases.put("zookeeperTls", with(dir, "zookeeperTls", "true")); // without a tls section
        cases.put("sessionTimeoutMs", with(dir, "sessionTimeoutMs", "9223372036854775807"));
        cases.put("consolePort", with(dir, "consolePort", "1.5"));
        cases.put("Duplicate", good(dir) + "consolePort: 7000\n");
        cases.put("unknown key 'what'", good(dir) + "what: ever\n");
        cases.put("empty", "");
        cases.put("mapping", "- a\n- b\n");
        cases.put("larger than", "# " + "x".repeat(NodeConfigLoader.MAX_BYTES) + "\n");
        int n = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(dir.resolve("ftd-" + n++ + ".yaml"), c.getValue());
            Run r = ftd("--config", file.toString());
            assertThat(r.code()).as(c.getKey() + ": " + r.err()).isEqualTo(2);
            assertThat(r.lines()).as(c.getKey()).hasSize(1);
            assertThat(r.lines().get(0)).as(c.getKey()).startsWith("ftd: ").contains(file.toString())
                    .contains(c.getKey()).doesNotContain("Exception");
        }
        Run directory = ftd("--config", dir.toString());
        assertThat(directory.code()).isEqualTo(2);
        assertThat(directory.lines()).singleElement().asString().contains("is a directory");
        Run missing = ftd("--config", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.lines()).singleElement().asString().contains("no such file");
    }

    @Test
    void aStartThatCannotListenExitsFourWithOneLine(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path file = Files.writeString(dir.resolve("ftd.yaml"), with(dir, "consolePort",
                    String.valueOf(taken.getLocalPort())));
            Run r = ftd("--config", file.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(4);
            assertThat(r.lines()).filteredOn(l -> l.startsWith("ftd: ")).singleElement().asString()
                    .contains("consolePort " + taken.getLocalPort()).contains("127.0.0.1");
            assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Caused by");
        }
        // an address that is not on this host (TEST-NET-1, RFC 5737)
        Path file = Files.writeString(dir.resolve("away.yaml"), with(dir, "bindAddress", "192.0.2.1"));
        Run r = ftd("--config", file.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(4);
        assertThat(r.lines()).filteredOn(l -> l.startsWith("ftd: ")).singleElement().asString()
                .contains("192.0.2.1");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Caused by");
    }
}
