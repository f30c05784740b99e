package io.ftvm.node.daemon;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric selectors and grouping labels of a PromQL expression as a Grafana dashboard writes it (Grafana
 * variables such as {@code $vm} or {@code $__rate_interval} allowed), found by a small scanner rather than a full
 * parser: function names, aggregation operators, keywords, numbers, durations and string literals are skipped; an identifier that is not
 * followed by '(' is a metric name, and the {@code {...}} after it its matchers; the parenthesised lists after
 * {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and {@code group_right} are
 * grouping labels. Also reads Grafana's {@code label_values(selector, label)} variable queries.
 */
record PromQlSelectors(List<Selector> selectors, Set<String> groupingLabels) {
    /** {@code metric{label op "value", ...}}. */
    record Selector(String metric, List<LabelMatcher> matchers) { }

    /** {@code label op "value"} with op one of {@code =, !=, =~, !~}. */
    record LabelMatcher(String label, String op, String value) { }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan",
            "atan2");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    /** Aggregation operators, which may take their grouping first: {@code max by (vm) (...)}. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile");
    private static final Pattern GROUPING_FIRST = Pattern.compile("(by|without)\\s*\\(.*", Pattern.DOTALL);
    private static final Pattern LABEL_VALUES =
            Pattern.compile("^\\s*label_values\\((?:(.+),\\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\\)\\s*$", Pattern.DOTALL);

    /** The selectors of a Grafana Prometheus variable query: {@code label_values(...)} or a plain expression. */
    static PromQlSelectors ofVariableQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (!m.matches()) {
            return of(query);
        }
        PromQlSelectors inner = m.group(1) == null ? new PromQlSelectors(List.of(), Set.of()) : of(m.group(1));
        Set<String> labels = new LinkedHashSet<>(inner.groupingLabels());
        labels.add(m.group(2));
        return new PromQlSelectors(inner.selectors(), labels);
    }

    /** The selectors and grouping labels of {@code expr}. */
    static PromQlSelectors of(String expr) {
        return new Scanner(expr).scan();
    }

    private static final class Scanner {
        private final String s;
        private int i;
        private final List<Selector> selectors = new ArrayList<>();
        private final Set<String> grouping = new LinkedHashSet<>();

        Scanner(String s) {
            this.s = s;
        }

        PromQlSelectors scan() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"' || c == '\'' || c == '`') {
                    string();
                } else if (c == '[') {
                    skipTo(']');
                } else if (c == '$') {
                    variable();
                } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                        i++;
                    }
                } else if (identifierStart(c)) {
                    identifier();
                } else if (c == '{') {
                    selectors.add(new Selector(null, matchers()));
                } else {
                    i++;
                }
            }
            return new PromQlSelectors(List.copyOf(selectors), Set.copyOf(grouping));
        }

        private void identifier() {
            int start = i;
            while (i < s.length() && (identifierStart(s.charAt(i)) || Character.isDigit(s.charAt(i)))) {
                i++;
            }
            String word = s.substring(start, i);
            int next = skipSpaces(i);
            boolean call = next < s.length() && s.charAt(next) == '(';
            if (GROUPING.contains(word)) {
                if (call) {
                    i = next + 1;
                    int close = s.indexOf(')', i);
                    for (String label : s.substring(i, close).split(",")) {
                        if (!label.isBlank()) {
                            grouping.add(label.strip());
                        }
                    }
                    i = close + 1;
                }
            } else if (AGGREGATIONS.contains(word) && GROUPING_FIRST.matcher(s.substring(next)).matches()) {
                return; // the grouping and then the call follow
            } else if (!call && !KEYWORDS.contains(word)) {
                List<LabelMatcher> m = List.of();
                if (next < s.length() && s.charAt(next) == '{') {
                    i = next;
                    m = matchers();
                }
                selectors.add(new Selector(word, m));
            }
        }

        /** {@code {a="x", b=~"y"}} starting at '{'. */
        private List<LabelMatcher> matchers() {
            i++;
            List<LabelMatcher> out = new ArrayList<>();
            while (true) {
                i = skipSpaces(i);
                if (i >= s.length()) {
                    throw new IllegalArgumentException("unclosed '{' in " + s);
                }
                if (s.charAt(i) == '}') {
                    i++;
                    return out;
                }
                if (s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                int start = i;
                while (i < s.length() && (identifierStart(s.charAt(i)) || Character.isDigit(s.charAt(i)))) {
                    i++;
                }
                String label = s.substring(start, i);
                i = skipSpaces(i);
                int opStart = i;
                while (i < s.length() && "=!~".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                String op = s.substring(opStart, i);
                i = skipSpaces(i);
                if (label.isEmpty() || !Set.of("=", "!=", "=~", "!~").contains(op) || i >= s.length()) {
                    throw new IllegalArgumentException("bad label matcher at " + start + " in " + s);
                }
                out.add(new LabelMatcher(label, op, string()));
            }
        }

        /** A quoted string starting at the quote; returns its content (escapes kept as written). */
        private String string() {
            char quote = s.charAt(i);
            int start = ++i;
            while (i < s.length() && s.charAt(i) != quote) {
                i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
            }
            if (i >= s.length()) {
                throw new IllegalArgumentException("unclosed string in " + s);
            }
            return s.substring(start, i++);
        }

        private void variable() {
            i++;
            if (i < s.length() && s.charAt(i) == '{') {
                skipTo('}');
            } else {
                while (i < s.length() && (identifierStart(s.charAt(i)) || Character.isDigit(s.charAt(i)))) {
                    i++;
                }
            }
        }

        private void skipTo(char close) {
            int end = s.indexOf(close, i);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed '" + s.charAt(i) + "' in " + s);
            }
            i = end + 1;
        }

        private int skipSpaces(int from) {
            while (from < s.length() && Character.isWhitespace(s.charAt(from))) {
                from++;
            }
            return from;
        }

        private static boolean identifierStart(char c) {
            return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
