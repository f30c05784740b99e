package io.ftvm.chaos.nemesis;

import io.ftvm.chaos.cluster.Latency;
import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import java.time.Duration;

/**
 * Latency and jitter on every relay — the replication data path (log entries to backups, ACKs back) and the clients'
 * consoles — for 2-6 s: 5-60 ms plus up to 50 ms of jitter per chunk, order kept.
 */
final class LatencyNemesis {
    private final NemesisContext ctx;

    LatencyNemesis(NemesisContext ctx) {
        this.ctx = ctx;
    }

    void slowDown() throws InterruptedException {
        HistoryWriter history = ctx.history();
        Latency l = new Latency(Duration.ofMillis(ctx.millis(5, 60)), Duration.ofMillis(ctx.millis(0, 50)));
        ctx.cluster().fabric().setLatency(l);
        history.append(HistoryEvent.fault(history.now(), FaultKind.LATENCY.name(), "relays",
                l.base().toMillis() + " ms + up to " + l.jitter().toMillis() + " ms"));
        try {
            Thread.sleep(ctx.millis(2000, 6000));
        } finally {
            ctx.cluster().fabric().setLatency(Latency.NONE);
            history.append(HistoryEvent.heal(history.now(), FaultKind.LATENCY.name(), "relays", "no latency"));
        }
    }
}
