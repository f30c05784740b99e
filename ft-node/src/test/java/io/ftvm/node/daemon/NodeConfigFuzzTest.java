package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutations of a valid config (lines deleted, duplicated, swapped, indented or cut; values replaced by wrong types,
 * huge numbers, deep nesting, aliases, tags; random characters inserted): every outcome is a config or an
 * {@link NodeConfig.InvalidConfigException} with a one-line message, and no case takes more than a few seconds.
 * Seeded: a failure names its seed and case, and reproduces.
 */
class NodeConfigFuzzTest {
    private static final long SEED = 0x5eed_f7dL;
    private static final int CASES = 800;
    private static final long MAX_NANOS_PER_CASE = 3_000_000_000L;

    private static final String VALID = String.join("\n",
            "hostId: host-a",
            "cluster: prod",
            "zookeeper: zk1:2181,zk2:2181,10.0.0.3:2181",
            "user: ftvm",
            "password: s3cret-pass",
            "dataDir: /var/lib/ftvm",
            "imageDir: /var/lib/ftvm/images",
            "bindAddress: 10.0.0.5",
            "advertiseAddress: host-a.example",
            "consolePort: 7400",
            "adminPort: 7401",
            "adminToken: 0123456789abcdef0123",
            "capacityMib: 4096",
            "heartbeatIntervalMs: 50",
            "peerTimeoutMs: 1000",
            "backupLossTimeoutMs: 3000",
            "takeoverGraceMs: 100",
            "sessionTimeoutMs: 6000",
            "recordingMaxMib: 64",
            "zone: rack-a",
            "zookeeperTls: true",
            "tls:",
            "  certificate: /etc/ftvm/tls/host.pem",
            "  privateKey: /etc/ftvm/tls/host.key",
            "  trustedCa: /etc/ftvm/tls/ca.pem",
            "");

    private static final String[] VALUES = {"", "~", "null", "0", "-1", "1.5", "1e3", "-0", ".inf", ".nan", "0x10",
        "0o17", "017", "1_000", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999999999999999999999999999", "true", "no", "'text'", "\"esc\\u0000aped\"", "[1, 2]",
        "{a: 1}", "[]", "{}", "&anchor x", "*anchor", "*missing", "!!binary AAAA", "!!python/object:os.system x",
        "!!float 1", "!!int '12'", "|\n  block\n  text", ">\n  folded", "\"unterminated", "'unterminated", "[unclosed",
        "{unclosed", "a: b: c", "- item", "999.1.1.1", "0.0.0.0", "'::'", "'[::1]:2181'", "no-such.invalid:2181",
        "zk1:0", "zk1:65536", "/abs/path", "relative/path", "\t", "\"\\x00\"", "\"\\uD800\""};

    private static final char[] NOISE = {':', ' ', '\t', '\n', '\r', '-', '[', ']', '{', '}', '&', '*', '!', '|', '>',
        '\'', '"', '#', '%', '@', '`', ',', '?', '\\', '\0', '\u0007', '\u00e9', '\u2028', '\ufeff', '\ud83d'};

    private final NodeConfigLoader loader = new NodeConfigLoader();

    @Test
    void theUnmutatedConfigIsValid() {
        assertThat(loader.parse("valid", VALID).hostId()).isEqualTo("host-a");
    }

    @Test
    void everyMutationIsAConfigOrOneLineRefusal() {
        Random random = new Random(SEED);
        List<Function<Random, String>> mutators = mutators();
        int valid = 0;
        int refused = 0;
        for (int c = 0; c < CASES; c++) {
            String input = mutators.get(random.nextInt(mutators.size())).apply(random);
            if (random.nextInt(4) == 0) {
                input = mutators.get(random.nextInt(mutators.size())).apply(random); // sometimes mutate twice
            }
            long start = System.nanoTime();
            try {
                NodeConfig config = loader.parse("case-" + c, input);
                assertThat(config.hostId()).isNotBlank();
                valid++;
            } catch (NodeConfig.InvalidConfigException e) {
                String m = e.getMessage();
                assertThat(m).as("case %d (seed %d): %s", c, SEED, brief(input)).isNotBlank()
                        .doesNotContain("\n").doesNotContain("\r").startsWith("config case-" + c);
                assertThat(m.length()).as("case %d", c).isLessThanOrEqualTo(500);
                refused++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + c + " (seed " + SEED + ") threw " + e + " for input " + brief(input), e);
            }
            long took = System.nanoTime() - start;
            assertThat(took).as("case %d took %d ms: %s", c, took / 1_000_000, brief(input))
                    .isLessThan(MAX_NANOS_PER_CASE);
        }
        assertThat(refused).as("most mutations break the config").isGreaterThan(CASES / 2);
        assertThat(valid).as("some mutations keep it valid (a deleted optional key)").isPositive();
    }

    /** The same through files, with bytes flipped after encoding (not UTF-8 any more, NULs, cut sequences). */
    @Test
    void everyMutatedFileIsAConfigOrOneLineRefusal(@TempDir Path dir) throws Exception {
        Random random = new Random(SEED + 1);
        List<Function<Random, String>> mutators = mutators();
        for (int c = 0; c < 150; c++) {
            byte[] bytes = mutators.get(random.nextInt(mutators.size())).apply(random)
                    .getBytes(StandardCharsets.UTF_8);
            for (int k = random.nextInt(4); k > 0 && bytes.length > 0; k--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Path file = Files.write(dir.resolve("case-" + c + ".yaml"), bytes);
            long start = System.nanoTime();
            try {
                loader.load(file);
            } catch (NodeConfig.InvalidConfigException e) {
                assertThat(e.getMessage()).as("file case %d", c).contains(file.toString()).doesNotContain("\n")
                        .doesNotContain("\r");
            } catch (RuntimeException | StackOverflowError e) {
                fail("file case " + c + " (seed " + (SEED + 1) + ") threw " + e, e);
            }
            assertThat(System.nanoTime() - start).as("file case %d", c).isLessThan(MAX_NANOS_PER_CASE);
        }
    }

    private static String brief(String s) {
        String shown = NodeConfig.show(s.length() > 200 ? s.substring(0, 200) : s);
        return "'" + shown + "' (" + s.length() + " characters)";
    }

    private static List<String> lines() {
        return new ArrayList<>(List.of(VALID.split("\n")));
    }

    private static String join(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    private static List<Function<Random, String>> mutators() {
        List<Function<Random, String>> m = new ArrayList<>();
        m.add(r -> { // delete a line
            List<String> l = lines();
            l.remove(r.nextInt(l.size()));
            return join(l);
        });
        m.add(r -> { // duplicate a line (a duplicate key, or a second tls entry)
            List<String> l = lines();
            int i = r.nextInt(l.size());
            l.add(r.nextInt(l.size() + 1), l.get(i));
            return join(l);
        });
        m.add(r -> { // swap two lines (tls entries move out of their section)
            List<String> l = lines();
            java.util.Collections.swap(l, r.nextInt(l.size()), r.nextInt(l.size()));
            return join(l);
        });
        m.add(r -> { // indent or dedent a line
            List<String> l = lines();
            int i = r.nextInt(l.size());
            l.set(i, r.nextBoolean() ? " ".repeat(1 + r.nextInt(4)) + l.get(i) : l.get(i).strip());
            return join(l);
        });
        m.add(r -> { // replace a value
            List<String> l = lines();
            int i = r.nextInt(l.size());
            String line = l.get(i);
            int colon = line.indexOf(':');
            l.set(i, line.substring(0, colon + 1) + " " + VALUES[r.nextInt(VALUES.length)]);
            return join(l);
        });
        m.add(r -> { // replace a value with a huge or oddly formed number
            List<String> l = lines();
            int i = r.nextInt(l.size());
            String line = l.get(i);
            String number = switch (r.nextInt(4)) {
                case 0 -> Long.toString(r.nextLong());
                case 1 -> "9".repeat(1 + r.nextInt(60));
                case 2 -> r.nextInt(100) + "." + r.nextInt(100);
                default -> "-" + "1".repeat(1 + r.nextInt(30)) + "e" + r.nextInt(400);
            };
            l.set(i, line.substring(0, line.indexOf(':') + 1) + " " + number);
            return join(l);
        });
        m.add(r -> { // insert random characters
            StringBuilder b = new StringBuilder(VALID);
            int n = 1 + r.nextInt(8);
            for (int k = 0; k < n; k++) {
                char c = r.nextInt(3) == 0 ? (char) r.nextInt(0x10000) : NOISE[r.nextInt(NOISE.length)];
                b.insert(r.nextInt(b.length() + 1), c);
            }
            return b.toString();
        });
        m.add(r -> { // random bytes read as text
            byte[] bytes = new byte[r.nextInt(300)];
            r.nextBytes(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        });
        m.add(r -> VALID.substring(0, r.nextInt(VALID.length()))); // cut short
        m.add(r -> { // deep nesting, as a value or as the document
            int depth = 10 + r.nextInt(20_000);
            return switch (r.nextInt(4)) {
                case 0 -> VALID + "zone: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
                case 1 -> VALID.replace("tls:\n", "tls:\n" + "  a:\n".repeat(Math.min(depth, 3000)));
                case 2 -> "{a: ".repeat(depth) + "1" + "}".repeat(depth);
                default -> "- ".repeat(Math.min(depth, 3000)) + "x\n";
            };
        });
        m.add(r -> { // aliases and anchors (exponential expansion if they were expanded)
            StringBuilder b = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x]\n");
            int levels = 2 + r.nextInt(12);
            for (int k = 1; k <= levels; k++) {
                b.append("a").append(k).append(": &a").append(k).append(" [");
                for (int j = 0; j < 8; j++) {
                    b.append(j == 0 ? "" : ", ").append("*a").append(k - 1);
                }
                b.append("]\n");
            }
            return r.nextBoolean() ? b.toString() : VALID.replace("zone: rack-a", "zone: &z rack-a") + "user: *z\n";
        });
        m.add(r -> { // a long value or key
            String big = "x".repeat(1 + r.nextInt(200_000));
            return r.nextBoolean() ? VALID.replace("host-a\n", big + "\n") : VALID + big + ": 1\n";
        });
        m.add(r -> { // other documents and directives around it
            return switch (r.nextInt(4)) {
                case 0 -> "%YAML 1.1\n---\n" + VALID;
                case 1 -> VALID + "---\n" + VALID;
                case 2 -> "--- !!map\n" + VALID + "...\n";
                default -> "%TAG ! tag:evil.example,2000:\n--- !thing\n" + VALID;
            };
        });
        m.add(r -> VALID.replace("\n", r.nextBoolean() ? "\r\n" : "\r")); // other line endings
        m.add(r -> "{" + VALID.strip().replace("\n", ", ").replace("tls:, ", "tls: {") + "}}"); // flow style
        return m;
    }
}
