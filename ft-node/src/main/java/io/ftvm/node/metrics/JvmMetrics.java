package io.ftvm.node.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jvm.FileDescriptorRatioGauge;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import com.codahale.metrics.jvm.ThreadStatesGaugeSet;
import com.sun.management.GarbageCollectionNotificationInfo;
import io.ftvm.primary.SummingTimer;
import java.io.Closeable;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The process's own health in the host's registry, under ftvm's names: heap and non-heap memory (Dropwizard's
 * metrics-jvm), thread counts by state, the share of file descriptors in use, GC collections and time per collector,
 * and every stop-the-world GC pause as it ends ({@code ftvm_jvm_gc_pause_seconds}, a summary, and
 * {@code ftvm_jvm_gc_pause_max_seconds}, the longest since start). Pauses matter more here than anywhere: a paused
 * ftd sends no heartbeats, and its peer's failure detector is tuned in tens of milliseconds. Concurrent cycles (ZGC's
 * and Shenandoah's "Cycles" collectors) run beside the application and are not pauses.
 */
public final class JvmMetrics implements Closeable {
    private final SummingTimer pauses = new SummingTimer();
    private final AtomicLong maxPauseMillis = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    /** Registers the gauges and starts listening for GC pauses (until {@link #close()}). */
    public JvmMetrics(MetricRegistry registry) {
        Map<String, com.codahale.metrics.Metric> memory = new MemoryUsageGaugeSet().getMetrics();
        for (String area : List.of("heap", "non-heap")) {
            for (String kind : List.of("used", "committed", "max")) {
                com.codahale.metrics.Metric m = memory.get(area + "." + kind);
                if (m instanceof Gauge<?> g) {
                    registry.register("ftvm_jvm_memory_bytes{area=" + area.replace('-', '_') + ",kind=" + kind + "}",
                            g);
                }
            }
        }
        Map<String, com.codahale.metrics.Metric> threads = new ThreadStatesGaugeSet().getMetrics();
        for (Thread.State state : Thread.State.values()) {
            com.codahale.metrics.Metric m = threads.get(state.name().toLowerCase(Locale.ROOT) + ".count");
            if (m instanceof Gauge<?> g) {
                registry.register("ftvm_jvm_threads{state=" + state.name().toLowerCase(Locale.ROOT) + "}", g);
            }
        }
        if (threads.get("deadlock.count") instanceof Gauge<?> g) {
            registry.register("ftvm_jvm_threads_deadlocked", g);
        }
        registry.register("ftvm_process_open_fds_ratio", new FileDescriptorRatioGauge());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String label = "{gc=" + gc.getName().replace(' ', '_') + "}";
            registry.gauge("ftvm_jvm_gc_collections_total" + label, () -> gc::getCollectionCount);
            registry.gauge("ftvm_jvm_gc_time_seconds_total" + label, () -> () -> gc.getCollectionTime() / 1e3);
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
        registry.register("ftvm_jvm_gc_pause_seconds", pauses);
        registry.gauge("ftvm_jvm_gc_pause_max_seconds", () -> () -> maxPauseMillis.get() / 1e3);
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())
                || !(n.getUserData() instanceof CompositeData data)) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(data);
        if (!isPause(info.getGcName(), info.getGcAction())) {
            return;
        }
        long ms = info.getGcInfo().getDuration();
        pauses.update(ms, TimeUnit.MILLISECONDS);
        maxPauseMillis.accumulateAndGet(ms, Math::max);
    }

    /** Whether a collection reported by {@code gcName} with {@code action} stopped the application. */
    static boolean isPause(String gcName, String action) {
        return !(gcName.endsWith(" Cycles") || action.contains("cycle"));
    }

    /** Pauses seen since start. */
    public long pauseCount() {
        return pauses.getCount();
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // never added: nothing to remove
            }
        }
        emitters.clear();
    }
}
