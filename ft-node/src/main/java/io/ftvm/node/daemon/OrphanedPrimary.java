package io.ftvm.node.daemon;

import io.ftvm.coordinator.Role;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A primary role the record gives this host from a previous life of its ftd (its instance died with that process;
 * see {@link VmInstance#adopt}). Decides when the VM's running state is to be declared lost: the record still names
 * that tenure, and no backup can take over — none in sync, its host is not live, or it has not taken over within
 * {@link #GRACE_NANOS}. The VM is then recorded STOPPED with what happened and what to do, rather than shown running
 * on a host that runs nothing; it is never booted afresh without the operator (that would lose its state silently).
 * Reconcile thread only.
 */
final class OrphanedPrimary {
    /** How long an in-sync backup whose host is live is given to take over before the VM is declared lost. */
    static final long GRACE_NANOS = 30_000_000_000L;

    private final String vmId;
    private final String hostId;
    private final LongSupplier nanoClock;
    private long tenure = -1;
    private long since;

    OrphanedPrimary(String vmId, String hostId, LongSupplier nanoClock) {
        this.vmId = vmId;
        this.hostId = hostId;
        this.nanoClock = nanoClock;
    }

    /** The record named this host primary since {@code tenure} when this ftd started. */
    void adopted(long tenure) {
        this.tenure = tenure;
        this.since = nanoClock.getAsLong();
    }

    /**
     * The reason to record the VM stopped now, or null: not orphaned (any more), or its backup may still take over.
     * {@code hostLive} tells whether a host is registered.
     */
    String judge(VmState s, Predicate<String> hostLive) {
        if (tenure < 0) {
            return null;
        }
        if (!s.names(hostId, Role.PRIMARY) || s.primarySince() != tenure || !s.status().running()) {
            tenure = -1; // the record moved on: a backup took over, or the VM was stopped
            return null;
        }
        boolean backupLive = s.status() == VmStatus.PROTECTED && s.backup() != null && hostLive.test(s.backup());
        if (backupLive && nanoClock.getAsLong() - since < GRACE_NANOS) {
            return null;
        }
        String backup = s.status() != VmStatus.PROTECTED || s.backup() == null ? "it had no backup in sync"
                : backupLive ? "its backup on " + s.backup() + " did not take over within "
                        + GRACE_NANOS / 1_000_000_000L + " s"
                : "its backup's host " + s.backup() + " is down too";
        return "host " + hostId + "'s ftd restarted while it ran the VM's primary (epoch " + tenure + ") and "
                + backup + ": the VM's running state is lost; 'ftctl vm start " + vmId + "' boots it again";
    }
}
