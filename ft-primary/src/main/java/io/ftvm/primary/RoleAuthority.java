package io.ftvm.primary;

/**
 * Where role changes are decided (ZooKeeper, in ftd): each call is a compare-and-set on the VM's record at the
 * holder's epoch. A role that gets {@link Verdict#FENCED} has lost a race and must halt at once.
 */
public interface RoleAuthority {
    /** The outcome of a role change. */
    enum Verdict {
        /** The change was made; the role continues (at the new epoch). */
        WON,
        /** Another host holds the VM now: halt, release nothing more. */
        FENCED,
        /** The authority could not be reached (role changes need ZooKeeper): keep the current state, ask again. */
        RETRY
    }

    /**
     * The primary drops its silent backup (the one assigned at epoch {@code backupTenure}) and continues
     * unprotected. If that backup is no longer in the record (already dropped), the answer is WON at once.
     */
    Verdict goUnprotected(long backupTenure, String reason);

    /** The primary's backup {@code backup}, assigned at {@code backupTenure}, has caught up (the pair is protected). */
    Verdict backupInSync(String backup, long backupTenure);

    /** An authority for a VM that no one else can take (single-host use and tests): always wins. */
    RoleAuthority ALWAYS_WINS = new RoleAuthority() {
        @Override
        public Verdict goUnprotected(long backupTenure, String reason) {
            return Verdict.WON;
        }

        @Override
        public Verdict backupInSync(String backup, long backupTenure) {
            return Verdict.WON;
        }
    };
}
