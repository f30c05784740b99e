package io.ftvm.coordinator;

/**
 * What the link to ZooKeeper means for the roles, mapped from Curator's connection states by
 * {@link ConnectionMonitor}. The rule: <b>role changes need ZooKeeper; a running protected pair does not.</b> The
 * primary releases output only after the backup ACKed the log up to it (the Output Rule), so a pair that keeps
 * replicating stays correct whatever the state of the ZooKeeper link; only the CAS that changes roles needs a quorum.
 */
public enum CoordinationState {
    /**
     * Connected with a live session. Role changes (CAS) can be made; this host's registration exists (after a new
     * session, {@link HostRegistry} re-creates it).
     */
    CONNECTED,
    /**
     * Connection lost, the session may still be alive (within the session timeout). Primaries and backups keep
     * running and replicating; a role change they need (takeover, go unprotected) waits for the link or fails with
     * {@link CoordinatorUnavailableException} after the retry policy; until it succeeds the primary's pending
     * outputs stay held. The cluster manager stops acting at once (its latch is released).
     */
    SUSPENDED,
    /**
     * The session is gone (expired, or the session timeout passed without contact): this host's ephemeral
     * registration is deleted and the rest of the cluster treats the host as dead, so the manager drops it as a backup
     * (which fences a backup here) and its peers may take over its primaries. Roles keep running as under
     * {@link #SUSPENDED}; once reconnected they learn from their {@link FencingWatch} whether they still hold their
     * role. The client keeps trying to reconnect with a new session.
     */
    LOST
}
