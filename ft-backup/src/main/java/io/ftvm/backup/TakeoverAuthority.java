package io.ftvm.backup;

import io.ftvm.primary.RoleAuthority;

/** Where the takeover is decided (a compare-and-set in ZooKeeper, in ftd). */
public interface TakeoverAuthority {
    /**
     * This backup takes over as primary ({@code planned}: the primary handed the VM over in a switchover, rather
     * than going silent). On {@link RoleAuthority.Verdict#WON} the returned authority speaks for
     * the new primary (at its new epoch); on {@link RoleAuthority.Verdict#FENCED} another host won and this backup
     * halts.
     */
    Outcome takeOver(String reason, boolean planned);

    /** The verdict and, when won, the new primary's authority and epoch. */
    record Outcome(RoleAuthority.Verdict verdict, RoleAuthority asPrimary, long epoch) {
        public static Outcome fenced() {
            return new Outcome(RoleAuthority.Verdict.FENCED, null, -1);
        }

        /** Not decided: the coordinator could not be asked. */
        public static Outcome retry() {
            return new Outcome(RoleAuthority.Verdict.RETRY, null, -1);
        }
    }
}
