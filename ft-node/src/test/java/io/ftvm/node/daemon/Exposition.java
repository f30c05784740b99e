package io.ftvm.node.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Samples read from Prometheus text format 0.0.4 (what {@code GET /metrics} serves), merged over several hosts:
 * for every sample name (a summary's quantile series carry its base name, a counter's series its {@code _total}
 * name) the label sets seen.
 */
final class Exposition {
    private final Map<String, List<Map<String, String>>> samples = new LinkedHashMap<>();

    /** Adds the samples of one exposition. */
    Exposition add(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("no value in sample line: " + line);
            }
            int nameEnd = brace >= 0 && brace < space ? brace : space;
            Map<String, String> labels = brace >= 0 && brace < space ? labels(line, brace) : Map.of();
            samples.computeIfAbsent(line.substring(0, nameEnd), k -> new ArrayList<>()).add(labels);
        }
        return this;
    }

    /** {@code k="v",...} from the '{' at {@code brace} (a trailing comma allowed). */
    private static Map<String, String> labels(String line, int brace) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = brace + 1;
        while (line.charAt(i) != '}') {
            if (line.charAt(i) == ',') {
                i++;
                continue;
            }
            int eq = line.indexOf('=', i);
            String name = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            i = eq + 2; // past ="
            while (line.charAt(i) != '"') {
                char c = line.charAt(i++);
                if (c == '\\') {
                    char e = line.charAt(i++);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    value.append(c);
                }
            }
            out.put(name, value.toString());
            i++;
        }
        return out;
    }

    /** True when a sample of this name exists. */
    boolean has(String name) {
        return samples.containsKey(name);
    }

    /** Every label name seen on samples of {@code name}. */
    Set<String> labelNames(String name) {
        Set<String> out = new TreeSet<>();
        samples.getOrDefault(name, List.of()).forEach(l -> out.addAll(l.keySet()));
        return out;
    }

    /** Every value {@code label} has on samples of {@code name}. */
    Set<String> labelValues(String name, String label) {
        Set<String> out = new TreeSet<>();
        for (Map<String, String> l : samples.getOrDefault(name, List.of())) {
            if (l.containsKey(label)) {
                out.add(l.get(label));
            }
        }
        return out;
    }

    Set<String> names() {
        return new TreeSet<>(samples.keySet());
    }
}
