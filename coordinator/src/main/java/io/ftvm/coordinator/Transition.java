package io.ftvm.coordinator;

/**
 * A role change requested on a VM record. Each one names the host it is about (the requester's identity is part of
 * the precondition: only the in-sync backup can take over, only the primary can drop its backup). Applied by
 * {@link Transitions#apply}; every applied transition increments the epoch.
 */
public sealed interface Transition {

    /** STOPPED → UNPROTECTED with {@code host} as primary. */
    record Start(String host) implements Transition {
        public Start {
            HostInfo.checkHostId(host);
        }

        @Override
        public String toString() {
            return "start on " + host;
        }
    }

    /** UNPROTECTED → SYNCING: {@code backup} (never the primary's host) starts receiving the VM. */
    record AssignBackup(String backup) implements Transition {
        public AssignBackup {
            HostInfo.checkHostId(backup);
        }

        @Override
        public String toString() {
            return "assign backup " + backup;
        }
    }

    /** SYNCING → PROTECTED: the assigned {@code backup} reports that it replays in lockstep. */
    record BackupInSync(String backup) implements Transition {
        public BackupInSync {
            HostInfo.checkHostId(backup);
        }

        @Override
        public String toString() {
            return "backup " + backup + " in sync";
        }
    }

    /**
     * PROTECTED → UNPROTECTED with the in-sync {@code backup} as the new primary; the old primary is fenced.
     * {@code planned}: the primary handed the VM over (a switchover) rather than going silent; the record's reason
     * says so ({@link Transitions#isSwitchover}), so its host is not taken for a dead one.
     */
    record TakeOver(String backup, boolean planned) implements Transition {
        public TakeOver {
            HostInfo.checkHostId(backup);
        }

        /** A takeover from a primary that went silent. */
        public TakeOver(String backup) {
            this(backup, false);
        }

        @Override
        public String toString() {
            return (planned ? "switch over to " : "take over by ") + backup;
        }
    }

    /**
     * SYNCING or PROTECTED → UNPROTECTED: the backup is dropped. Requested by the {@code primary} (backup lost) or by the
     * cluster manager on the primary's behalf (the backup's host died); either way the named primary must be current.
     */
    record GoUnprotected(String primary, String reason) implements Transition {
        public GoUnprotected {
            HostInfo.checkHostId(primary);
            reason = reason == null ? "" : reason;
        }

        @Override
        public String toString() {
            return "go unprotected on " + primary;
        }
    }

    /** Any running status → STOPPED. */
    record Stop(String reason) implements Transition {
        public Stop {
            reason = reason == null ? "" : reason;
        }

        @Override
        public String toString() {
            return "stop";
        }
    }
}
