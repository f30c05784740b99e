package io.ftvm.node.daemon;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ftvm.node.daemon.NodeConfig.InvalidConfigException;
import io.ftvm.replication.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a {@link NodeConfig} from YAML, strictly: a file over {@link #MAX_BYTES}, not UTF-8, not one mapping, with
 * duplicate or unknown keys, a value of the wrong type (a float, a string or a boolean where an integer belongs; a
 * number where text belongs; anything but true or false where a boolean belongs) or out of range is refused with an {@link InvalidConfigException} whose one-line
 * message names the key. {@link #load} also checks what the config names on this host ({@link #checkHost}).
 */
public final class NodeConfigLoader {
    /** A config is a few hundred bytes; anything over 1 MiB is refused before it is parsed. */
    public static final int MAX_BYTES = 1 << 20;

    private final ObjectMapper mapper = newMapper();

    private static ObjectMapper newMapper() {
        LoaderOptions yaml = new LoaderOptions();
        yaml.setCodePointLimit(MAX_BYTES);
        yaml.setMaxAliasesForCollections(10);
        yaml.setNestingDepthLimit(16);
        yaml.setAllowRecursiveKeys(false);
        yaml.setAllowDuplicateKeys(false);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(yaml)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                        .maxNumberLength(40).maxStringLength(64 * 1024).maxDocumentLength(MAX_BYTES).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        // Values are taken from the tree by their YAML type (ConfigTree): nothing is coerced, so a float, a string or
        // a boolean is never read as an integer, nor a number as text.
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // one document only
    }

    /**
     * Reads, parses and checks {@code file}, including {@link #checkHost}.
     *
     * @throws InvalidConfigException naming the file and the problem
     */
    public NodeConfig load(Path file) {
        NodeConfig c = parse(file.toString(), read(file));
        try {
            checkHost(c);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException("config " + file + ": " + e.getMessage(), e);
        }
        return c;
    }

    /** The file as UTF-8 text, refused when it is not a readable regular file of at most {@link #MAX_BYTES}. */
    private static String read(Path file) {
        String where = "config " + file;
        if (Files.isDirectory(file)) {
            throw new InvalidConfigException(where + " is a directory, not a file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // a pipe or a growing file is bounded too
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException("cannot read " + where + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new InvalidConfigException("cannot read " + where + ": permission denied", e);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read " + where + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new InvalidConfigException(where + " is larger than " + MAX_BYTES + " bytes: not an ftd config");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidConfigException(where + " is not UTF-8 text", e);
        }
    }

    /**
     * Parses {@code yaml} and checks every value (nothing is looked up on this host); {@code source} names it in
     * messages.
     *
     * @throws InvalidConfigException naming the source, the key and the problem
     */
    public NodeConfig parse(String source, String yaml) {
        String where = "config " + source;
        if (yaml.length() > MAX_BYTES) {
            throw new InvalidConfigException(where + " is larger than " + MAX_BYTES + " characters: not an ftd config");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(where + " is not valid YAML" + at(e.getLocation()) + ": "
                    + yamlProblem(e), e);
        } catch (RuntimeException e) {
            // the YAML parser's own exceptions that Jackson does not wrap (limits, malformed escapes)
            throw new InvalidConfigException(where + " is not valid YAML: " + problem(e.getMessage()), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new InvalidConfigException(where + " is empty");
        }
        if (!tree.isObject()) {
            throw new InvalidConfigException(where + " must be a mapping of keys to values, not "
                    + ConfigTree.kind(tree));
        }
        try {
            return fromTree(new ConfigTree((ObjectNode) tree, "", KEYS));
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(where + ": " + e.getMessage(), e);
        }
    }

    /** The keys of the file and of its {@code tls} section: the record components' names. */
    private static final Set<String> KEYS = names(NodeConfig.class);
    private static final Set<String> TLS_KEYS = names(NodeConfig.Tls.class);

    private static Set<String> names(Class<? extends Record> type) {
        Set<String> names = new TreeSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            names.add(c.getName());
        }
        return Set.copyOf(names);
    }

    private static NodeConfig fromTree(ConfigTree t) {
        ConfigTree tls = t.section("tls", TLS_KEYS);
        NodeConfig.Tls tlsPaths = null;
        if (tls != null) {
            tlsPaths = new NodeConfig.Tls(tls.path("certificate", false), tls.path("privateKey", false),
                    tls.path("trustedCa", false));
        }
        return new NodeConfig(t.text("hostId", true), t.text("cluster", true), t.text("zookeeper", true),
                t.text("user", true), t.text("password", true), t.path("dataDir", true), t.path("imageDir", false),
                t.text("bindAddress", true), t.text("advertiseAddress", false), t.integer("consolePort"),
                t.longValue("capacityMib"), t.longValue("heartbeatIntervalMs"), t.longValue("peerTimeoutMs"),
                t.optionalLong("peerTimeoutMinMs"), t.longValue("backupLossTimeoutMs"), t.longValue("takeoverGraceMs"), t.longValue("sessionTimeoutMs"),
                tlsPaths, t.optionalInteger("adminPort"), t.text("adminToken", false),
                t.optionalLong("recordingMaxMib"), t.text("zone", false),
                Boolean.TRUE.equals(t.optionalBoolean("zookeeperTls")), t.text("bridge", false));
    }

    /**
     * What the config names must exist on this host: the addresses resolve, and the TLS files are readable and
     * parse (certificate chain, PKCS#8 key, CA). Lookups use the system resolver (its timeouts bound them).
     *
     * @throws InvalidConfigException naming the key and the problem
     */
    public static void checkHost(NodeConfig c) {
        resolve("bindAddress", c.bindAddress());
        resolve("advertiseAddress", c.advertiseAddress());
        for (Addresses.HostPort hp : Addresses.connectString(c.zookeeper())) {
            resolve("zookeeper", hp.host());
        }
        checkDirectory("dataDir", c.dataDir());
        checkDirectory("imageDir", c.imageDir());
        NodeConfig.Tls tls = c.tls();
        if (tls != null) {
            checkReadable("tls.certificate", tls.certificate());
            checkReadable("tls.privateKey", tls.privateKey());
            checkReadable("tls.trustedCa", tls.trustedCa());
            try {
                new TlsConfig(tls.certificate(), tls.privateKey(), tls.trustedCa()).check();
            } catch (TlsConfig.TlsConfigException e) {
                throw new InvalidConfigException("tls: " + problem(rootMessage(e)), e);
            }
        }
    }

    private static void resolve(String key, String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidConfigException(key + ": '" + NodeConfig.show(host) + "' does not resolve to an address "
                    + "on this host (unknown host)", e);
        } catch (RuntimeException e) {
            throw new InvalidConfigException(key + ": '" + NodeConfig.show(host) + "' cannot be resolved: "
                    + e.getMessage(), e);
        }
    }

    /** A directory ftd creates at start must not exist as something else (a file, a dangling link). */
    private static void checkDirectory(String key, Path p) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
            throw new InvalidConfigException(key + ": " + p + " exists and is not a directory");
        }
    }

    private static void checkReadable(String key, Path p) {
        if (!Files.exists(p)) {
            throw new InvalidConfigException(key + ": " + p + " does not exist");
        }
        if (!Files.isRegularFile(p)) {
            throw new InvalidConfigException(key + ": " + p + " is not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw new InvalidConfigException(key + ": " + p + " is not readable by this user");
        }
    }

    /** {@code e}'s message, followed by its deepest cause's when that adds something (a PEM parser's reason). */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        for (int i = 0; i < 20 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        String m = String.valueOf(e.getMessage());
        return root == e || root.getMessage() == null || m.contains(root.getMessage()) ? m
                : m + " (" + root.getMessage() + ")";
    }

    /** SnakeYAML's problem and its context ("expected ',' or ']'... (while parsing a flow sequence)"). */
    private static String yamlProblem(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            return problem(m.getProblem()) + (m.getContext() == null ? "" : " (" + problem(m.getContext()) + ")");
        }
        return problem(e.getOriginalMessage());
    }

    private static String at(JsonLocation l) {
        return l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    /** The first line of a parser's message (SnakeYAML appends the offending text and a caret on later lines). */
    private static String problem(String message) {
        if (message == null) {
            return "unreadable";
        }
        for (String line : message.split("\\R")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "unreadable";
    }

    /** One mapping of the config (the file or its {@code tls} section): its values read by key, by YAML type. */
    private static final class ConfigTree {
        private final ObjectNode node;
        private final String prefix;

        /** Refuses keys not in {@code known} at once, before any value is looked at. */
        ConfigTree(ObjectNode node, String prefix, Set<String> known) {
            this.node = node;
            this.prefix = prefix;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    throw new InvalidConfigException("unknown key '" + prefix + NodeConfig.show(key) + "' (known: "
                            + String.join(", ", new TreeSet<>(known)) + ")");
                }
            }
        }

        static String kind(JsonNode n) {
            if (n.isTextual()) {
                return "a string";
            } else if (n.isIntegralNumber()) {
                return "an integer";
            } else if (n.isNumber()) {
                return "a decimal number";
            } else if (n.isBoolean()) {
                return "a boolean";
            } else if (n.isArray()) {
                return "a list";
            } else if (n.isObject()) {
                return "a mapping";
            }
            return "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }

        private JsonNode get(String key) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        private InvalidConfigException wrongType(String key, JsonNode v, String expected) {
            String shown = v.isValueNode() ? " '" + NodeConfig.show(v.asText()) + "'" : "";
            return new InvalidConfigException(prefix + key + ": expected " + expected + ", not " + kind(v) + shown
                    + (v.isNumber() && expected.contains("string") ? " (quote it)" : ""));
        }

        String text(String key, boolean required) {
            JsonNode v = get(key);
            if (v == null) {
                if (required) {
                    throw new InvalidConfigException(prefix + key + ": missing");
                }
                return null;
            }
            if (!v.isTextual()) {
                throw wrongType(key, v, "a string");
            }
            return v.textValue();
        }

        Path path(String key, boolean required) {
            String s = text(key, required);
            if (s == null) {
                return null;
            }
            if (s.isBlank() || s.indexOf('\0') >= 0) {
                throw new InvalidConfigException(prefix + key + ": '" + NodeConfig.show(s) + "' is not a path");
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new InvalidConfigException(prefix + key + ": '" + NodeConfig.show(s) + "' is not a path: "
                        + e.getReason());
            }
        }

        private long integral(String key, JsonNode v, long min, long max) {
            if (!v.isIntegralNumber()) {
                throw wrongType(key, v, "an integer");
            }
            if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
                throw new InvalidConfigException(prefix + key + ": " + NodeConfig.show(v.asText())
                        + " is out of range (" + min + " to " + max + ")");
            }
            return v.longValue();
        }

        long longValue(String key) {
            JsonNode v = get(key);
            if (v == null) {
                throw new InvalidConfigException(prefix + key + ": missing");
            }
            return integral(key, v, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        int integer(String key) {
            JsonNode v = get(key);
            if (v == null) {
                throw new InvalidConfigException(prefix + key + ": missing");
            }
            return (int) integral(key, v, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        Integer optionalInteger(String key) {
            JsonNode v = get(key);
            return v == null ? null : (int) integral(key, v, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        Boolean optionalBoolean(String key) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isBoolean()) {
                throw wrongType(key, v, "a boolean (true or false)");
            }
            return v.booleanValue();
        }

        Long optionalLong(String key) {
            JsonNode v = get(key);
            return v == null ? null : integral(key, v, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        ConfigTree section(String key, Set<String> known) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                throw wrongType(key, v, "a mapping");
            }
            return new ConfigTree((ObjectNode) v, prefix + key + ".", known);
        }
    }
}
