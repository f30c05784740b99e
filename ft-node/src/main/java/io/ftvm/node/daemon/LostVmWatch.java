package io.ftvm.node.daemon;

import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import java.util.function.LongSupplier;

/**
 * Decides when a VM is lost for its console clients: the record has named a primary whose host is not live, with no
 * backup in sync to take over, for {@link #LOST_AFTER_NANOS} without change. That is longer than a session timeout
 * and the manager's return grace, so a host whose registration blinked during a ZooKeeper outage is back sooner.
 * Reconcile thread only.
 */
final class LostVmWatch {
    /** How long the primary's host must stay gone (with no backup in sync) before the VM counts as lost. */
    static final long LOST_AFTER_NANOS = 30_000_000_000L;

    private final LongSupplier nanoClock;
    private long goneSince = -1;
    private long goneEpoch = -1;

    LostVmWatch(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * The record as last seen, and the primary's console address ({@code null}: its host is not live). True once the
     * VM has been lost for long enough; any record change (a new epoch) starts the wait again.
     */
    boolean lost(VmState s, String primaryConsole) {
        boolean gone = s.primary() != null && primaryConsole == null && s.status() != VmStatus.PROTECTED;
        if (!gone) {
            goneSince = -1;
            return false;
        }
        long now = nanoClock.getAsLong();
        if (goneSince < 0 || goneEpoch != s.epoch()) {
            goneSince = now;
            goneEpoch = s.epoch();
        }
        return now - goneSince >= LOST_AFTER_NANOS;
    }
}
