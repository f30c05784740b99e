package io.ftvm.chaos.workload;

import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.replication.console.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The one writer of a VM's console: waits for the guest's banner, then sends one command at a time and waits for its
 * answer, recording {@code invoke} before sending and {@code ok} (with the answer lines) when the answer is complete.
 * An answer that does not come within {@code answerTimeout} is recorded as {@code fail} and ends the worker (the
 * stream would be out of step). {@link #stop} ends it and records whether all input was acknowledged.
 */
public final class KvWorker implements AutoCloseable {
    private static final String BANNER = "kvstore ready";

    private final String vm;
    private final HistoryWriter history;
    private final KvCommands commands;
    private final RandomGenerator random;
    private final Duration answerTimeout;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final RecordingConsole console;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long completed;
    private volatile String failure;
    private long bytesSent;

    public KvWorker(String vm, List<Endpoint> endpoints, String token, io.ftvm.replication.ClientTls tls,
            HistoryWriter history,
            OutputArrivals arrivals,
            RandomGenerator random, Duration answerTimeout) {
        this.vm = vm;
        this.history = history;
        this.random = random;
        this.commands = new KvCommands(random);
        this.answerTimeout = answerTimeout;
        this.console = new RecordingConsole(vm, vm + "/worker", endpoints, token, tls, true, history, arrivals,
                this::onText);
        this.thread = new Thread(this::run, "worker-" + vm);
        thread.setDaemon(true);
        thread.start();
    }

    private void onText(String text) {
        synchronized (partial) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n') {
                    lines.add(partial.toString());
                    partial.setLength(0);
                } else {
                    partial.append(c);
                }
            }
        }
    }

    private void run() {
        try {
            String first = lines.poll(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!BANNER.equals(first)) {
                failure = "expected the banner '" + BANNER + "', got " + (first == null ? "nothing" : "'" + first + "'");
                return;
            }
            for (long op = 1; running; op++) {
                String command = commands.next(op);
                history.append(HistoryEvent.invoke(history.now(), vm, op, command));
                byte[] line = (command + "\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    console.client().send(line);
                } catch (IllegalStateException e) {
                    fail(op, "send refused: " + e.getMessage());
                    return;
                }
                bytesSent += line.length;
                List<String> answer = answer(KvCommands.multiLine(command));
                if (answer == null) {
                    fail(op, "no complete answer in " + answerTimeout.toMillis() + " ms (client "
                            + console.client().state() + ")");
                    return;
                }
                history.append(HistoryEvent.ok(history.now(), vm, op, answer));
                completed = op;
                Thread.sleep(random.nextInt(8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> answer(boolean multi) throws InterruptedException {
        long deadline = System.nanoTime() + answerTimeout.toNanos();
        List<String> out = new ArrayList<>();
        while (true) {
            String l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
                return null;
            }
            out.add(l);
            if (!multi || l.equals("end")) {
                return out;
            }
        }
    }

    private void fail(long op, String detail) {
        failure = detail;
        history.append(HistoryEvent.fail(history.now(), vm, op, detail));
    }

    public long completed() {
        return completed;
    }

    /** Why the worker stopped on its own, or null while it runs (or was stopped). */
    public String failure() {
        return failure;
    }

    /**
     * Stops sending (the operation in flight finishes first, bounded by the answer timeout), waits up to
     * {@code ackTimeout} for every byte sent to be acknowledged and records the outcome.
     */
    public void stop(Duration ackTimeout) throws InterruptedException {
        running = false;
        thread.join(answerTimeout.toMillis() + 5_000);
        boolean acked = console.client().awaitInputAcked(ackTimeout);
        history.append(HistoryEvent.input(history.now(), vm, vm + "/worker", bytesSent, acked ? "acked"
                : "not acknowledged in " + ackTimeout.toMillis() + " ms: acked " + console.client().inputAcked()
                + ", pending " + console.client().inputPending() + ", client " + console.client().state()));
    }

    /** The next output offset this worker's client needs (all output below it was received). */
    public long outputOffset() {
        return console.client().outputOffset();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        console.close();
    }
}
