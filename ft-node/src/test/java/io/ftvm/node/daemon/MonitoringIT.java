package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.daemon.GrafanaDashboard.Query;
import io.ftvm.node.daemon.PromQlSelectors.LabelMatcher;
import io.ftvm.node.daemon.PromQlSelectors.Selector;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.node.demo.SecretFiles;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The monitoring files ({@code ansible/roles/monitoring/files}) against real processes: an embedded ZooKeeper and
 * three ftd hosts running a protected VM. Every metric the Grafana dashboard queries is exported by the hosts, with
 * the labels and label values the queries select on; {@code promtool check metrics} accepts every host's
 * exposition; a real Prometheus scraping the hosts with the bearer token has them up, answers the dashboard's
 * queries and reads the VM's protection and log traffic back.
 *
 * <p>promtool and prometheus come from Debian's {@code prometheus} package: without them the Prometheus tests are
 * skipped, or fail when the environment variable {@code CI} is set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringIT {
    private static final Path FILES = Path.of("../ansible/roles/monitoring/files");
    private static final String VM = "kv";
    /** Labels Prometheus attaches to every scraped series (not in the exposition). */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    /** Series Prometheus makes up per target (not in the exposition). */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    /** What the dashboard must show (issue 7, item 4). */
    private static final List<String> REQUIRED = List.of("ftvm_vm_status", "ftvm_role_state", "ftvm_log_bytes_total",
            "ftvm_log_entries_total", "ftvm_ack_latency_seconds", "ftvm_output_hold_seconds",
            "ftvm_backup_lag_seconds", "ftvm_backup_lag_instructions", "ftvm_failovers_total",
            "ftvm_takeover_duration_seconds", "ftvm_failure_detection_seconds", "ftvm_digest_checks_total",
            "ftvm_digest_mismatches_total", "ftvm_guest_instructions_per_second", "ftvm_snapshot_received_bytes",
            "ftvm_snapshot_size_bytes", "ftvm_host_up", "ftvm_hosts_live", "ftvm_zookeeper_connected",
            "ftvm_admin_refused_total", "ftvm_vm_epoch", "ftvm_replication_refused_total",
            "ftvm_replication_connection_errors_total", "ftvm_vms_unplaced", "ftvm_manager_acting",
            "ftvm_manager_transitions_total");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int HOSTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir = Path.of("target", "monitoring-it", Long.toString(System.currentTimeMillis()))
            .toAbsolutePath();
    /** Speaks HTTPS to the hosts (trusting the cluster CA) and HTTP to Prometheus. */
    private HttpClient http;
    private LocalCluster cluster;
    /** Every host's admin endpoint, {@code 127.0.0.1:PORT}. */
    private List<String> endpoints;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LocalCluster(dir.resolve("cluster"), HOSTS);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(cluster.clientSsl()).build();
        cluster.createVm(VM, "kvstore", 64, "host-1");
        cluster.await(VM, s -> s.state().status() == VmStatus.PROTECTED, WAIT);
        endpoints = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            endpoints.add(URI.create(cluster.adminUrl("host-" + i)).getAuthority()); // 127.0.0.1:PORT
        }
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExportedByTheHosts() throws Exception {
        GrafanaDashboard dashboard = dashboard();
        assertThat(dashboard.schemaVersion()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.queries()).as("the dashboard's queries").isNotEmpty();
        assertDataSourceIsAVariable(dashboard);

        Exposition exported = new Exposition();
        for (String endpoint : endpoints) {
            exported.add(scrape(endpoint));
        }
        List<String> problems = new ArrayList<>();
        Set<String> queried = new TreeSet<>();
        for (Query q : dashboard.queries()) {
            PromQlSelectors found = q.variable() ? PromQlSelectors.ofVariableQuery(q.text()) : PromQlSelectors.of(q.text());
            Set<String> labels = new TreeSet<>(TARGET_LABELS);
            for (Selector s : found.selectors()) {
                if (s.metric() == null) {
                    problems.add(q.where() + ": a selector without a metric name");
                    continue;
                }
                queried.add(s.metric());
                if (PROMETHEUS_SERIES.contains(s.metric())) {
                    continue; // made by Prometheus itself (the Prometheus test sees every target up)
                }
                if (!exported.has(s.metric())) {
                    problems.add(q.where() + ": " + s.metric() + " is not exported");
                    continue;
                }
                labels.addAll(exported.labelNames(s.metric()));
                checkMatchers(q, s, exported, problems);
            }
            for (String g : found.groupingLabels()) {
                if (!labels.contains(g)) {
                    problems.add(q.where() + ": groups or reads by label '" + g + "', which its metrics lack");
                }
            }
        }
        assertThat(problems).as("dashboard queries vs. the hosts' exposition (exported: %s)", exported.names())
                .isEmpty();
        assertThat(queried).as("metrics the dashboard queries").containsAll(REQUIRED);
    }

    @Test
    void theShippedAlertRulesQueryExportedMetricsAndPassTheirPromtoolTests() throws Exception {
        Exposition exported = new Exposition();
        for (String endpoint : endpoints) {
            exported.add(scrape(endpoint));
        }
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(FILES.resolve("ftvm-alerts.yml").toFile());
        List<String> problems = new ArrayList<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                alerts.add(name);
                for (Selector sel : PromQlSelectors.of(rule.path("expr").asText()).selectors()) {
                    if (PROMETHEUS_SERIES.contains(sel.metric())) {
                        continue;
                    }
                    if (!exported.has(sel.metric())) {
                        problems.add(name + ": " + sel.metric() + " is not exported");
                        continue;
                    }
                    Set<String> labels = exported.labelNames(sel.metric());
                    for (LabelMatcher m : sel.matchers()) {
                        // host_id is the scrape config's target label (prometheus.yml.j2)
                        if (!TARGET_LABELS.contains(m.label()) && !m.label().equals("host_id")
                                && !labels.contains(m.label())) {
                            problems.add(name + ": " + sel.metric() + " has no label '" + m.label() + "'");
                        }
                    }
                }
            }
        }
        assertThat(problems).as("alert rules vs. the hosts' exposition").isEmpty();
        assertThat(alerts).contains("FtvmVmNotProtected", "FtvmDigestMismatch", "FtvmZooKeeperDisconnected",
                "FtvmBackupLagging", "FtvmHostDown", "FtvmFailover");
        Path promtool = tool("promtool");
        Run check = run(List.of(promtool.toString(), "check", "rules",
                FILES.resolve("ftvm-alerts.yml").toAbsolutePath().toString()), null);
        assertThat(check.exit()).as("promtool check rules:%n%s", check.output()).isZero();
        Run test = run(List.of(promtool.toString(), "test", "rules",
                FILES.resolve("ftvm-alerts.test.yml").toAbsolutePath().toString()), null);
        assertThat(test.exit()).as("promtool test rules:%n%s", test.output()).isZero();
    }

    @Test
    void promtoolAcceptsTheExpositionAndTheScrapeConfig() throws Exception {
        Path promtool = tool("promtool");
        for (String endpoint : endpoints) {
            String body = scrape(endpoint);
            Path file = Files.writeString(dir.resolve("metrics-" + endpoint.replace(':', '_') + ".prom"), body);
            Run r = run(List.of(promtool.toString(), "check", "metrics"), file);
            assertThat(r.exit()).as("promtool check metrics on %s:%n%s", endpoint, r.output()).isZero();
        }
        Path example = FILES.resolve("prometheus-ftvm.example.yml").toAbsolutePath();
        Run r = run(List.of(promtool.toString(), "check", "config", "--syntax-only", example.toString()), null);
        assertThat(r.exit()).as("promtool check config %s:%n%s", example, r.output()).isZero();
    }

    @Test
    void prometheusScrapesEveryHostAndAnswersTheDashboardsQueries() throws Exception {
        Path promtool = tool("promtool");
        Path prometheus = tool("prometheus");
        Path home = Files.createDirectories(dir.resolve("prometheus"));
        Path config = writePrometheusConfig(home);
        Run check = run(List.of(promtool.toString(), "check", "config", config.toString()), null);
        assertThat(check.exit()).as("promtool check config:%n%s", check.output()).isZero();

        int port = freePort();
        String api = "http://127.0.0.1:" + port;
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h")
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("prometheus.log").toFile()).start();
        try {
            awaitTrue("Prometheus ready", () -> exited(p) || get(api + "/-/ready").statusCode() == 200);
            assertThat(p.isAlive()).as("prometheus exited; see %s", home.resolve("prometheus.log")).isTrue();

            // Every host's admin endpoint is a target, scraped successfully with the token.
            awaitTrue("every ftd target up", () -> {
                JsonNode targets = apiJson(api + "/api/v1/targets").path("data").path("activeTargets");
                Set<String> up = new TreeSet<>();
                targets.forEach(t -> {
                    if (t.path("health").asText().equals("up")) {
                        up.add(t.path("labels").path("instance").asText());
                    }
                });
                return up.equals(new TreeSet<>(endpoints));
            });
            // The VM's protection, as its primary's host exports it.
            awaitTrue("ftvm_vm_status{status=\"PROTECTED\"} is 1 for " + VM, () -> {
                for (JsonNode r : query(api, "ftvm_vm_status{status=\"PROTECTED\"}")) {
                    if (r.path("metric").path("vm").asText().equals(VM) && value(r) == 1) {
                        return true;
                    }
                }
                return false;
            });
            awaitTrue("sum(ftvm_log_bytes_total) > 0", () -> {
                List<JsonNode> r = query(api, "sum(ftvm_log_bytes_total)");
                return !r.isEmpty() && value(r.get(0)) > 0;
            });

            // Every dashboard query is valid PromQL for this Prometheus, and the protection panel says Protected.
            GrafanaDashboard dashboard = dashboard();
            for (Query q : dashboard.queries()) {
                if (!q.variable()) {
                    JsonNode answer = apiJson(api + "/api/v1/query?query=" + encode(withVariables(q.text())));
                    assertThat(answer.path("status").asText()).as("%s: %s -> %s", q.where(), q.text(), answer)
                            .isEqualTo("success");
                }
            }
            String protection = dashboard.panelExpr("Protection status");
            awaitTrue("the Protection status panel shows 3 (Protected) for " + VM, () -> {
                for (JsonNode r : query(api, withVariables(protection))) {
                    if (r.path("metric").path("vm").asText().equals(VM) && value(r) == 3) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void provisioningFilesPointAtTheDashboardAndAPrometheusDataSource() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode providers = yaml.readTree(FILES.resolve("grafana-dashboards.yml").toFile());
        assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = providers.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).startsWith("/");

        JsonNode sources = yaml.readTree(FILES.resolve("grafana-datasource.yml").toFile());
        assertThat(sources.path("apiVersion").asInt()).isEqualTo(1);
        assertThat(sources.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");

        JsonNode scrape = yaml.readTree(FILES.resolve("prometheus-ftvm.example.yml").toFile())
                .path("scrape_configs").get(0);
        assertThat(scrape.path("job_name").asText()).isEqualTo("ftvm");
        assertThat(scrape.path("authorization").path("type").asText()).isEqualTo("Bearer");
        assertThat(scrape.path("authorization").path("credentials_file").asText()).isNotEmpty();
        assertThat(scrape.path("static_configs").get(0).path("targets").size()).isPositive();
    }

    // --- the dashboard --------------------------------------------------------------------------------------

    private static GrafanaDashboard dashboard() throws IOException {
        return GrafanaDashboard.read(FILES.resolve("ftvm-dashboard.json"));
    }

    /** The data source is a variable of type datasource; every panel and query names it by that variable. */
    private static void assertDataSourceIsAVariable(GrafanaDashboard dashboard) {
        String ds = dashboard.dataSourceVariable().orElseThrow(
                () -> new AssertionError("the dashboard has no Prometheus datasource variable"));
        for (String name : List.of("vm", "instance")) {
            assertThat(dashboard.variables()).as("template variable " + name).anySatisfy(v -> {
                assertThat(v.path("name").asText()).isEqualTo(name);
                assertThat(v.path("query").asText()).startsWith("label_values(");
            });
        }
        assertThat(dashboard.dataSourcesOtherThan(ds)).as("data sources not given as %s", ds).isEmpty();
    }

    /** Every label a query selects on exists on the metric, and literal values it selects exist too. */
    private static void checkMatchers(Query q, Selector s, Exposition exported, List<String> problems) {
        Set<String> labels = exported.labelNames(s.metric());
        for (LabelMatcher m : s.matchers()) {
            if (TARGET_LABELS.contains(m.label())) {
                continue;
            }
            if (!labels.contains(m.label())) {
                problems.add(q.where() + ": " + s.metric() + " has no label '" + m.label() + "' (it has " + labels + ")");
                continue;
            }
            Set<String> values = exported.labelValues(s.metric(), m.label());
            for (String v : literalValues(m)) {
                if (!values.contains(v)) {
                    problems.add(q.where() + ": " + s.metric() + "{" + m.label() + "} is never '" + v + "' (it is "
                            + values + ")");
                }
            }
        }
    }

    /** The values a matcher names literally: {@code ="A"}, or the alternatives of {@code =~"A|B"}. */
    private static List<String> literalValues(LabelMatcher m) {
        if (m.value().contains("$")) {
            return List.of();
        }
        if (m.op().equals("=") || m.op().equals("!=")) {
            return List.of(m.value());
        }
        return m.value().matches("[A-Za-z0-9_.:-]+(\\|[A-Za-z0-9_.:-]+)*") ? List.of(m.value().split("\\|"))
                : List.of();
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    private static final Map<String, String> VALUES = Map.of("__rate_interval", "1m", "__range", "5m",
            "__interval", "15s", "vm", ".*", "instance", ".*");

    /** The query as Grafana would send it with every VM and host selected. */
    private static String withVariables(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = VALUES.get(m.group(1));
            assertThat(v).as("a value for $%s in %s", m.group(1), expr).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        return m.appendTail(out).toString();
    }

    // --- ftd and Prometheus over HTTP -----------------------------------------------------------------------

    private String scrape(String endpoint) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://" + endpoint + "/metrics"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s/metrics", endpoint).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain").contains("version=0.0.4"));
        return r.body();
    }

    private Path writePrometheusConfig(Path home) throws IOException {
        Path token = home.resolve("ftvm-admin-token");
        SecretFiles.write(token, LocalCluster.ADMIN_TOKEN);
        List<String> lines = new ArrayList<>(List.of(
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: ftvm",
                "    metrics_path: /metrics",
                "    scheme: https",
                "    tls_config:",
                "      ca_file: " + cluster.caFile(),
                "    authorization:",
                "      type: Bearer",
                "      credentials_file: " + token,
                "    static_configs:",
                "      - targets:"));
        endpoints.forEach(e -> lines.add("          - '" + e + "'"));
        return Files.write(home.resolve("prometheus.yml"), lines);
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode apiJson(String url) throws IOException, InterruptedException {
        return JSON.readTree(get(url).body());
    }

    /** The result vector of an instant query (which must succeed). */
    private List<JsonNode> query(String api, String promql) throws IOException, InterruptedException {
        JsonNode answer = apiJson(api + "/api/v1/query?query=" + encode(promql));
        assertThat(answer.path("status").asText()).as("%s -> %s", promql, answer).isEqualTo("success");
        List<JsonNode> out = new ArrayList<>();
        answer.path("data").path("result").forEach(out::add);
        return out;
    }

    private static double value(JsonNode sample) {
        return Double.parseDouble(sample.path("value").get(1).asText());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // --- tools and waiting ----------------------------------------------------------------------------------

    /** A Prometheus tool on the PATH or in /usr/bin; missing: fail under CI, skip otherwise. */
    private static Path tool(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        for (String d : dirs) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String message = name + " is not installed: install Debian's prometheus package (apt-get install prometheus)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    record Run(int exit, String output) { }

    /** Runs a command (stdin from {@code input} if given) for at most 30 s. */
    private Run run(List<String> command, Path input) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "run", ".out");
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        if (input != null) {
            b.redirectInput(input.toFile());
        }
        Process p = b.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail(command + " did not finish within 30 s");
        }
        return new Run(p.exitValue(), Files.readString(output));
    }

    private static boolean exited(Process p) {
        return !p.isAlive();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} every 200 ms until it holds; fails after {@link #WAIT}. Connection errors count as no. */
    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        fail("waited " + WAIT.toSeconds() + " s for: " + what + (last == null ? "" : " (last error: " + last + ")"));
    }
}
