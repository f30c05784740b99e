package io.ftvm.node.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads a {@link NodeConfig} from YAML, strictly: unknown keys, wrong types and bad values name the key. */
public final class NodeConfigLoader {
    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public NodeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new NodeConfig.InvalidConfigException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    private static final Set<String> KEYS = Arrays.stream(NodeConfig.class.getRecordComponents())
            .map(RecordComponent::getName).collect(Collectors.toCollection(TreeSet::new));
    private static final Set<String> OPTIONAL = Set.of("advertiseAddress", "tls", "adminPort", "adminToken",
            "recordingMaxMib", "zone");

    /** Unknown keys and missing required keys, named before any value is looked at. */
    private static void checkKeys(String source, JsonNode tree) {
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new NodeConfig.InvalidConfigException("config " + source + ": unknown key '" + key
                        + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        for (String key : KEYS) {
            if (!OPTIONAL.contains(key) && (!tree.has(key) || tree.get(key).isNull())) {
                throw new NodeConfig.InvalidConfigException("config " + source + ": " + key + ": missing");
            }
        }
    }

    /** Parses {@code yaml}; {@code source} names it in messages. */
    public NodeConfig parse(String source, String yaml) {
        try {
            JsonNode tree = mapper.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new NodeConfig.InvalidConfigException("config " + source + " is empty");
            }
            if (!tree.isObject()) {
                throw new NodeConfig.InvalidConfigException("config " + source + " must be a mapping of keys to "
                        + "values");
            }
            checkKeys(source, tree);
            return mapper.treeToValue(tree, NodeConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new NodeConfig.InvalidConfigException("config " + source + ": unknown key '" + e.getPropertyName()
                    + "' (known: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")", e);
        } catch (JsonMappingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : String.valueOf(r.getIndex())).collect(Collectors.joining("."));
            String what = root instanceof NodeConfig.InvalidConfigException ? root.getMessage()
                    : (where.isEmpty() ? "" : where + ": ") + e.getOriginalMessage();
            throw new NodeConfig.InvalidConfigException("config " + source + ": " + what, e);
        } catch (JsonProcessingException e) {
            throw new NodeConfig.InvalidConfigException("config " + source + " is not valid YAML: "
                    + e.getOriginalMessage(), e);
        }
    }
}
