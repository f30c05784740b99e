package io.ftvm.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Grafana dashboard JSON as the monitoring tests read it: its queries, data sources and panels. */
record GrafanaDashboard(JsonNode json) {
    /** One query: a panel's or annotation's {@code expr}, or a template variable's query. */
    record Query(String where, String text, boolean variable) { }

    static GrafanaDashboard read(Path file) throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(file.toFile()));
    }

    int schemaVersion() {
        return json.path("schemaVersion").asInt();
    }

    JsonNode variables() {
        return json.path("templating").path("list");
    }

    /** Every {@code expr} anywhere (panels, rows, annotations) and every query variable's query. */
    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        collectExprs(json, "dashboard", out);
        for (JsonNode v : variables()) {
            if (v.path("type").asText().equals("query")) {
                JsonNode q = v.path("query");
                out.add(new Query("variable $" + v.path("name").asText(),
                        q.isObject() ? q.path("query").asText() : q.asText(), true));
            }
        }
        return out;
    }

    private static void collectExprs(JsonNode node, String where, List<Query> out) {
        if (node.isObject()) {
            String here = node.has("title") ? "'" + node.path("title").asText() + "'"
                    : node.has("name") ? "'" + node.path("name").asText() + "'" : where;
            node.properties().forEach(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    out.add(new Query(here, e.getValue().asText(), false));
                } else {
                    collectExprs(e.getValue(), here, out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectExprs(n, where, out));
        }
    }

    /** {@code ${name}} of the variable of type datasource, if there is one. */
    Optional<String> dataSourceVariable() {
        for (JsonNode v : variables()) {
            if (v.path("type").asText().equals("datasource") && v.path("query").asText().equals("prometheus")) {
                return Optional.of("${" + v.path("name").asText() + "}");
            }
        }
        return Optional.empty();
    }

    /** Panels, queries, variables and annotations whose data source is not the Prometheus {@code uid} given. */
    List<String> dataSourcesOtherThan(String uid) {
        List<String> wrong = new ArrayList<>();
        for (String part : List.of("panels", "templating", "annotations")) {
            checkDataSources(json.path(part), uid, wrong);
        }
        return wrong;
    }

    private static void checkDataSources(JsonNode node, String uid, List<String> wrong) {
        if (node.isObject()) {
            JsonNode d = node.path("datasource");
            String type = d.path("type").asText();
            if (d.isObject() && !type.equals("grafana") && !(type.equals("prometheus") && d.path("uid").asText().equals(uid))) {
                wrong.add(node.path("title").asText(node.path("refId").asText(node.path("name").asText())) + ": " + d);
            }
        }
        if (node.isContainerNode()) {
            node.forEach(n -> checkDataSources(n, uid, wrong));
        }
    }

    /** The first query of the panel titled {@code title}. */
    String panelExpr(String title) {
        for (JsonNode p : json.path("panels")) {
            if (p.path("title").asText().equals(title)) {
                return p.path("targets").get(0).path("expr").asText();
            }
        }
        throw new AssertionError("no panel '" + title + "'");
    }
}
