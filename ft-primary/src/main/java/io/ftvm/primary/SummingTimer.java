package io.ftvm.primary;

import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Dropwizard timer that also keeps the exact total of every duration recorded, so a Prometheus summary's
 * {@code _sum} only ever grows (a sum rebuilt from the reservoir's mean would go down and look like a reset).
 */
public final class SummingTimer extends Timer {
    private final LongAdder totalNanos = new LongAdder();

    @Override
    public void update(long duration, TimeUnit unit) {
        super.update(duration, unit);
        if (duration >= 0) {
            totalNanos.add(unit.toNanos(duration));
        }
    }

    @Override
    public void update(java.time.Duration duration) {
        update(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The sum of every duration recorded, in nanoseconds. */
    public long totalNanos() {
        return totalNanos.sum();
    }
}
