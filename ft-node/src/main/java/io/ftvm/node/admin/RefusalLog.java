package io.ftvm.node.admin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Rate-limited warnings for refused admin requests: at most one line per reason per interval, the next one saying how
 * many were not logged in between. An attacker who floods the endpoint fills the counters, not the log.
 */
final class RefusalLog {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Consumer<String> sink;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** One reason's state: when it was last logged and how many were dropped since. */
    private static final class Slot {
        boolean logged;
        long lastNanos;
        long suppressed;
    }

    /**
     * @param interval  the least time between two lines for one reason
     * @param nanoClock a monotonic clock ({@code System::nanoTime})
     * @param sink      where lines go (a logger's warn)
     */
    RefusalLog(Duration interval, LongSupplier nanoClock, Consumer<String> sink) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.sink = sink;
    }

    /** Logs {@code message} for {@code reason} unless a line for the reason went out less than an interval ago. */
    void refused(String reason, String message) {
        Slot slot = slots.computeIfAbsent(reason, r -> new Slot());
        long suppressed;
        synchronized (slot) {
            long now = nanoClock.getAsLong();
            if (slot.logged && now - slot.lastNanos < intervalNanos) {
                slot.suppressed++;
                return;
            }
            suppressed = slot.suppressed;
            slot.logged = true;
            slot.lastNanos = now;
            slot.suppressed = 0;
        }
        sink.accept(suppressed == 0 ? message
                : message + " (" + suppressed + " more refused for " + reason + " since the last line, not logged)");
    }
}
