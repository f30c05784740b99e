package io.ftvm.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.node.net.ClientNetwork;
import io.ftvm.replication.console.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A bulk transfer from the Linux guest: a file made in the guest through its console ({@code dd} into busybox
 * httpd's directory) and fetched with {@code curl} from the client namespace; the rate, and the log's bit rate on the
 * primary while it ran.
 */
final class BulkTransfer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern READY = Pattern.compile("(?m)^BULK-READY\\r?$");

    private final LocalCluster cluster;
    private final ClientNetwork net;
    private final HttpClient http;
    private final String vm;

    BulkTransfer(LocalCluster cluster, ClientNetwork net, HttpClient http, String vm) {
        this.cluster = cluster;
        this.net = net;
        this.http = http;
        this.vm = vm;
    }

    /** One fetch's figures: the transfer rate and the log's bit rate during it (0 when there was no backup). */
    record Rates(double mbitPerSecond, double logMbitPerSecond) {
    }

    /** Makes {@code /tmp/www/big} of {@code mib} MiB in the guest. */
    void makeFile(int mib) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ConsoleClient console = ConsoleClient.start(cluster.console(vm), (offset, bytes) -> {
            synchronized (out) {
                out.append(new String(bytes, StandardCharsets.ISO_8859_1));
            }
        }, e -> { })) {
            console.send(("\ndd if=/dev/zero of=/tmp/www/big bs=1M count=" + mib + " 2>/dev/null; echo BULK-READY\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                synchronized (out) {
                    if (READY.matcher(out).find()) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the guest did not make /tmp/www/big within 60 s");
    }

    /** Fetches the file over HTTP from the client namespace. */
    Rates fetch() throws Exception {
        long logBefore = logBytes();
        long t0 = System.nanoTime();
        Process p = net.inNamespace(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{size_download}",
                "--max-time", "300", "http://" + ClientNetwork.GUEST_ADDRESS + "/big")).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (!p.waitFor(310, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("curl failed: " + out);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes = Long.parseLong(out);
        long logAfter = logBytes();
        double log = logBefore < 0 || logAfter < 0 ? 0 : (logAfter - logBefore) * 8 / 1e6 / seconds;
        return new Rates(bytes * 8 / 1e6 / seconds, log);
    }

    /** Log bytes the primary has shipped (-1 when unknown). */
    private long logBytes() throws Exception {
        String primary = cluster.state(vm).state().primary();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl(primary) + "/v1/vms/"
                + vm)).header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body()).path("primaryHost").path("primary").path("logBytes");
        return n.isNumber() ? n.asLong() : -1;
    }
}
