package io.ftvm.chaos.workload;

import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.replication.console.Endpoint;
import java.time.Duration;
import java.util.List;

/**
 * A second client of a VM's console that only reads: its view of the output, offset by offset, is compared with the
 * worker's by the checker (two clients must never see different bytes at one offset).
 */
public final class OutputObserver implements AutoCloseable {
    private final RecordingConsole console;

    public OutputObserver(String vm, List<Endpoint> endpoints, String token, io.ftvm.replication.ClientTls tls,
            HistoryWriter history, OutputArrivals arrivals) {
        this.console = new RecordingConsole(vm, vm + "/observer", endpoints, token, tls, false, history, arrivals,
                text -> { });
    }

    /** Waits (up to {@code timeout}) until this client received output up to {@code offset}. */
    public boolean awaitOffset(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (console.client().outputOffset() < offset) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        console.close();
    }
}
