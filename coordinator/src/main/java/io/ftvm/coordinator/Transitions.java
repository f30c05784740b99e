package io.ftvm.coordinator;

/**
 * The VM state machine as a pure function: {@code (state, transition) → next state}, or
 * {@link IllegalTransitionException}. No ZooKeeper here; {@link VmRecords} applies the result with a versioned
 * compare-and-set. Every transition increments the epoch by exactly one. The edges are drawn on {@link VmStatus}.
 */
public final class Transitions {
    /** How the reason of a planned takeover (a switchover) ends. */
    static final String SWITCHOVER_SUFFIX = " (planned switchover)";

    /** How the reason of a backup's own resignation after a failure on its host ends (see {@link #backupFailed}). */
    static final String BACKUP_FAILED_SUFFIX = " (backup failed)";

    private Transitions() {
    }

    /**
     * The reason for a {@link Transition.GoUnprotected} by which a backup's host gives the role up because it failed
     * there (it could not start, or its replay failed): the manager then keeps backups off that host for a while.
     */
    public static String backupFailed(String why) {
        return why + BACKUP_FAILED_SUFFIX;
    }

    /** True when {@code s} is the outcome of a backup giving its role up after a failure on its host. */
    public static boolean isBackupFailure(VmState s) {
        return s.status() == VmStatus.UNPROTECTED && s.reason().endsWith(BACKUP_FAILED_SUFFIX);
    }

    /** True when {@code s} is the outcome of a planned switchover: its old primary handed the VM over, alive. */
    public static boolean isSwitchover(VmState s) {
        return s.status() == VmStatus.UNPROTECTED && s.primarySince() == s.epoch()
                && s.reason().endsWith(SWITCHOVER_SUFFIX);
    }

    /**
     * The state after {@code transition}.
     *
     * @throws IllegalTransitionException if {@code current} does not allow it; the exception carries {@code current}
     */
    public static VmState apply(VmState current, Transition transition) {
        long next = current.epoch() + 1;
        if (transition instanceof Transition.Start t) {
            // STOPPED --start(h)--> UNPROTECTED
            require(current.status() == VmStatus.STOPPED, current, transition, "the VM is running");
            return new VmState(next, VmStatus.UNPROTECTED, t.host(), next, null, 0, "started on " + t.host());
        }
        if (transition instanceof Transition.AssignBackup t) {
            // UNPROTECTED --assign backup(b)--> SYNCING
            require(current.status() == VmStatus.UNPROTECTED, current, transition, "only an unprotected VM gets a backup");
            require(!t.backup().equals(current.primary()), current, transition,
                    "the backup must not be on the primary's host");
            return new VmState(next, VmStatus.SYNCING, current.primary(), current.primarySince(), t.backup(), next,
                    "backup " + t.backup() + " assigned");
        }
        if (transition instanceof Transition.BackupInSync t) {
            // SYNCING --backup in sync(b)--> PROTECTED
            require(current.status() == VmStatus.SYNCING, current, transition, "no backup is syncing");
            require(t.backup().equals(current.backup()), current, transition, t.backup() + " is not the assigned backup");
            return new VmState(next, VmStatus.PROTECTED, current.primary(), current.primarySince(), current.backup(),
                    current.backupSince(),
                    "backup " + t.backup() + " in sync");
        }
        if (transition instanceof Transition.TakeOver t) {
            // PROTECTED --take over(b)--> UNPROTECTED, b primary
            require(current.status() == VmStatus.PROTECTED, current, transition, "only an in-sync backup can take over");
            require(t.backup().equals(current.backup()), current, transition, t.backup() + " is not the backup");
            return new VmState(next, VmStatus.UNPROTECTED, t.backup(), next, null, 0,
                    t.backup() + " took over from " + current.primary() + (t.planned() ? SWITCHOVER_SUFFIX : ""));
        }
        if (transition instanceof Transition.GoUnprotected t) {
            // SYNCING|PROTECTED --go unprotected(p)--> UNPROTECTED
            require(current.status().hasBackup(), current, transition, "there is no backup to drop");
            require(t.primary().equals(current.primary()), current, transition, t.primary() + " is not the primary");
            return new VmState(next, VmStatus.UNPROTECTED, current.primary(), current.primarySince(), null, 0,
                    t.reason().isEmpty() ? "backup " + current.backup() + " dropped" : t.reason());
        }
        if (transition instanceof Transition.Stop t) {
            // running --stop--> STOPPED
            require(current.status().running(), current, transition, "the VM is not running");
            return new VmState(next, VmStatus.STOPPED, null, 0, null, 0, t.reason().isEmpty() ? "stopped" : t.reason());
        }
        throw new IllegalArgumentException("unknown transition " + transition);
    }

    private static void require(boolean ok, VmState current, Transition transition, String why) {
        if (!ok) {
            throw new IllegalTransitionException(current, transition, why);
        }
    }
}
