package io.ftvm.coordinator;

/**
 * Protection status of a VM, as recorded in its state znode.
 *
 * <pre>
 * STOPPED     --start(h)------------------> UNPROTECTED   (h primary)
 * UNPROTECTED --assign backup(b)----------> SYNCING       (b receives a snapshot and the log)
 * SYNCING     --backup in sync(b)---------> PROTECTED     (b replays in lockstep; may take over)
 * SYNCING     --go unprotected(p)---------> UNPROTECTED   (backup dropped: lost, slow, or its host died)
 * PROTECTED   --go unprotected(p)---------> UNPROTECTED
 * PROTECTED   --take over(b)--------------> UNPROTECTED   (b is the new primary; the old primary is fenced)
 * any running --stop----------------------> STOPPED
 * </pre>
 */
public enum VmStatus {
    /** Not running anywhere; no primary, no backup. */
    STOPPED,
    /** Running on its primary with no backup. */
    UNPROTECTED,
    /** Running on its primary; a backup has been assigned and is being brought in sync. It cannot take over yet. */
    SYNCING,
    /** Running on its primary with a backup in lockstep that can take over. */
    PROTECTED;

    /** True when a primary runs the VM. */
    public boolean running() {
        return this != STOPPED;
    }

    /** True when the state names a backup. */
    public boolean hasBackup() {
        return this == SYNCING || this == PROTECTED;
    }
}
