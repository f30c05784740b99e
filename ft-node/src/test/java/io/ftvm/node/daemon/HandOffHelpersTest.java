package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.primary.Switchover;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link LostVmWatch}, {@link OrphanedPrimary} and {@link DrainSwitchovers} on a clock the test moves. */
class HandOffHelpersTest {
    private final AtomicLong now = new AtomicLong(-7_000_000_000L); // nanoTime may be negative

    @Test
    void aVmIsLostOnlyAfterItsPrimaryHostStaysGoneForTheWholeWindowAtOneEpoch() {
        LostVmWatch w = new LostVmWatch(now::get);
        VmState syncing = new VmState(5, VmStatus.SYNCING, "h1", 4, "h2", 5, "");
        assertThat(w.lost(syncing, "h1:7000")).as("primary live").isFalse();
        assertThat(w.lost(syncing, null)).isFalse();
        now.addAndGet(LostVmWatch.LOST_AFTER_NANOS - 1);
        assertThat(w.lost(syncing, null)).isFalse();
        VmState next = new VmState(6, VmStatus.UNPROTECTED, "h1", 4, null, 0, "");
        assertThat(w.lost(next, null)).as("a record change starts the wait again").isFalse();
        now.addAndGet(LostVmWatch.LOST_AFTER_NANOS);
        assertThat(w.lost(next, null)).isTrue();
        assertThat(w.lost(next, "h1:7000")).as("the host is back").isFalse();
        VmState protectedPair = new VmState(7, VmStatus.PROTECTED, "h1", 4, "h2", 7, "");
        now.addAndGet(2 * LostVmWatch.LOST_AFTER_NANOS);
        assertThat(w.lost(protectedPair, null)).as("an in-sync backup takes over: not lost").isFalse();
    }

    @Test
    void anOrphanedPrimaryIsDeclaredLostOnlyWhenNoBackupCanTakeOver() {
        java.util.Set<String> live = new java.util.HashSet<>(java.util.List.of("h1", "h2"));
        OrphanedPrimary o = new OrphanedPrimary("kv", "h1", now::get);
        VmState pair = new VmState(7, VmStatus.PROTECTED, "h1", 4, "h2", 7, "");
        assertThat(o.judge(pair, live::contains)).as("nothing adopted").isNull();
        o.adopted(4);
        assertThat(o.judge(pair, live::contains)).as("the live in-sync backup takes over").isNull();
        now.addAndGet(OrphanedPrimary.GRACE_NANOS - 1);
        assertThat(o.judge(pair, live::contains)).isNull();
        now.addAndGet(1);
        assertThat(o.judge(pair, live::contains)).contains("did not take over within 30 s")
                .contains("'ftctl vm start kv'");

        OrphanedPrimary gone = new OrphanedPrimary("kv", "h1", now::get);
        gone.adopted(4);
        live.remove("h2");
        assertThat(gone.judge(pair, live::contains)).contains("h1's ftd restarted").contains("epoch 4")
                .contains("backup's host h2 is down too");
        VmState alone = new VmState(8, VmStatus.UNPROTECTED, "h1", 4, null, 0, "");
        assertThat(gone.judge(alone, live::contains)).contains("it had no backup in sync");
        VmState tookOver = new VmState(9, VmStatus.UNPROTECTED, "h2", 9, null, 0, "");
        assertThat(gone.judge(tookOver, live::contains)).as("the backup took over").isNull();
        assertThat(gone.judge(alone, live::contains)).as("judged once the record moved on").isNull();
    }

    @Test
    void aFailedDrainSwitchoverIsRetriedAfterABackOffThatDoubles() {
        DrainSwitchovers d = new DrainSwitchovers("vm", now::get);
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<Switchover.Result>[] last = new CompletableFuture[1];
        Runnable ask = () -> d.maybeStart(() -> {
            started.incrementAndGet();
            last[0] = new CompletableFuture<>();
            return last[0];
        });
        ask.run();
        ask.run();
        assertThat(started).as("one at a time").hasValue(1);
        last[0].completeExceptionally(new IllegalStateException("backup lagging"));
        ask.run();
        assertThat(started).as("within the first back-off").hasValue(1);
        now.addAndGet(DrainSwitchovers.RETRY_NANOS);
        ask.run();
        assertThat(started).hasValue(2);
        last[0].completeExceptionally(new IllegalStateException("again"));
        now.addAndGet(DrainSwitchovers.RETRY_NANOS);
        ask.run();
        assertThat(started).as("the back-off doubled").hasValue(2);
        now.addAndGet(DrainSwitchovers.RETRY_NANOS);
        ask.run();
        assertThat(started).hasValue(3);
        last[0].complete(new Switchover.Result("h2", 10, 1, 2));
        ask.run();
        assertThat(started).as("a done switchover does not hold the next one back").hasValue(4);
    }
}
