/**
 * The backup role of a protected VM: receives the primary's log and ACKs it on receipt, loads the snapshot it is
 * sent, replays the same VM in lockstep (never past the last entry received), checks the digests in the log (a
 * divergence discards the backup, it is never continued), keeps recent console output so that clients can resume,
 * and, when the primary falls silent, wins the takeover, replays to the end of what it received and goes live as a
 * {@link io.ftvm.primary.PrimaryRole}. It knows nothing of ZooKeeper: the takeover goes through
 * {@link io.ftvm.backup.TakeoverAuthority}.
 */
package io.ftvm.backup;
