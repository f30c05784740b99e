package io.ftvm.chaos.workload;

import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.replication.console.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A console client of one VM that records every output chunk (offset, bytes, the endpoint it came from) and every
 * connection event in the history, notes arrivals for takeover timing, and hands the output on as text to
 * {@code sink}. Reads from offset 0 and never accepts a gap: an offset that is no longer held ends the client
 * (recorded as a FAILED event), so lost output cannot go unnoticed.
 */
final class RecordingConsole implements AutoCloseable {
    private final ConsoleClient client;

    /**
     * {@code token} proves the client, over TLS trusting {@code tls}'s CA; {@code writes}: with the VM's write lease
     * (the worker), else read-only.
     */
    RecordingConsole(String vm, String name, List<Endpoint> endpoints, String token,
            io.ftvm.replication.ClientTls tls, boolean writes,
            HistoryWriter history, OutputArrivals arrivals, Consumer<String> sink) {
        ConsoleClient[] self = new ConsoleClient[1];
        ConsoleClientConfig config = ConsoleClientConfig.of(vm, endpoints).withStartOffset(0)
                .withAcceptOutputGaps(false).withBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
                .withKeepalive(Duration.ofMillis(1000), Duration.ofMillis(3000)).withCredential(token)
                .withAccess(writes ? io.ftvm.replication.console.ConsoleAccess.WRITE
                        : io.ftvm.replication.console.ConsoleAccess.READ)
                .withClientName(name).withTls(tls);
        synchronized (self) {
            this.client = ConsoleClient.start(config, (offset, bytes) -> {
                Endpoint from;
                synchronized (self) {
                    from = self[0] == null ? null : self[0].connectedTo();
                }
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                history.append(HistoryEvent.output(history.now(), vm, name, offset, text,
                        from == null ? null : from.host() + ":" + from.port()));
                arrivals.arrived(from);
                sink.accept(text);
            }, e -> history.append(HistoryEvent.client(history.now(), vm, name, e.kind() + " " + e.endpoint()
                    + " out=" + e.outputOffset() + " in=" + e.inputAcked() + ": " + e.detail())));
            self[0] = client;
        }
    }

    ConsoleClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }
}
