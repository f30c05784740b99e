package io.ftvm.chaos.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One line of the history. {@code type} says which fields are set:
 * <ul>
 *   <li>{@code invoke}: {@code vm}, {@code op} (the worker's sequence number), {@code command};</li>
 *   <li>{@code ok}: {@code vm}, {@code op}, {@code lines} (the answer);
 *       {@code fail}: {@code vm}, {@code op}, {@code detail} (no answer came);</li>
 *   <li>{@code output}: {@code vm}, {@code client}, {@code offset}, {@code data} (ISO-8859-1), {@code endpoint};</li>
 *   <li>{@code input}: {@code vm}, {@code client}, {@code value} (bytes sent), {@code detail} ("acked" or why not);</li>
 *   <li>{@code client}: {@code vm}, {@code client}, {@code detail} (a console connection event);</li>
 *   <li>{@code fault}/{@code heal}: {@code kind}, {@code target}, {@code detail};</li>
 *   <li>{@code takeover}: {@code vm}, {@code target} (the killed host), {@code value} (ms from the kill to the first
 *       output of the new primary);</li>
 *   <li>{@code metrics}: {@code target} (host), {@code value} (its {@code ftvm_digest_mismatches_total});</li>
 *   <li>{@code unavailable}: {@code vm}, {@code detail} (the VM did not come back within its bound).</li>
 * </ul>
 *
 * @param t nanoseconds since the run started (one monotonic clock for all events)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEvent(long t, String type, String vm, Long op, String command, List<String> lines,
        String client, Long offset, String data, String endpoint, String kind, String target, Long value,
        String detail) {

    public static HistoryEvent invoke(long t, String vm, long op, String command) {
        return new HistoryEvent(t, "invoke", vm, op, command, null, null, null, null, null, null, null, null, null);
    }

    public static HistoryEvent ok(long t, String vm, long op, List<String> lines) {
        return new HistoryEvent(t, "ok", vm, op, null, List.copyOf(lines), null, null, null, null, null, null, null,
                null);
    }

    public static HistoryEvent fail(long t, String vm, long op, String detail) {
        return new HistoryEvent(t, "fail", vm, op, null, null, null, null, null, null, null, null, null, detail);
    }

    public static HistoryEvent output(long t, String vm, String client, long offset, String data, String endpoint) {
        return new HistoryEvent(t, "output", vm, null, null, null, client, offset, data, endpoint, null, null, null,
                null);
    }

    public static HistoryEvent input(long t, String vm, String client, long bytes, String detail) {
        return new HistoryEvent(t, "input", vm, null, null, null, client, null, null, null, null, null, bytes,
                detail);
    }

    public static HistoryEvent client(long t, String vm, String client, String detail) {
        return new HistoryEvent(t, "client", vm, null, null, null, client, null, null, null, null, null, null,
                detail);
    }

    public static HistoryEvent fault(long t, String kind, String target, String detail) {
        return new HistoryEvent(t, "fault", null, null, null, null, null, null, null, null, kind, target, null,
                detail);
    }

    public static HistoryEvent heal(long t, String kind, String target, String detail) {
        return new HistoryEvent(t, "heal", null, null, null, null, null, null, null, null, kind, target, null,
                detail);
    }

    public static HistoryEvent takeover(long t, String vm, String victim, long millis) {
        return new HistoryEvent(t, "takeover", vm, null, null, null, null, null, null, null, null, victim, millis,
                null);
    }

    public static HistoryEvent metrics(long t, String host, long digestMismatches) {
        return new HistoryEvent(t, "metrics", null, null, null, null, null, null, null, null, null, host,
                digestMismatches, null);
    }

    public static HistoryEvent unavailable(long t, String vm, String detail) {
        return new HistoryEvent(t, "unavailable", vm, null, null, null, null, null, null, null, null, null, null,
                detail);
    }
}
