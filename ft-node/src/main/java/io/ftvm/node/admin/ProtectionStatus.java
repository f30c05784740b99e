package io.ftvm.node.admin;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import java.util.Set;

/**
 * A VM's protection as operators read it — "Protected" or "Not Protected", with a reason code and a sentence —
 * derived from its spec, its record, the live hosts and what the cluster manager could not place.
 *
 * @param protectedNow true only when a backup replays in lockstep and can take over
 * @param code         {@code PROTECTED}, {@code STARTING} (a backup is being synchronised), {@code NEED_SECONDARY}
 *                     (wants a backup and has none), {@code NO_CAPACITY} (no host can take the backup),
 *                     {@code PRIMARY_LOST} (the primary's host left and there was no backup to take over),
 *                     {@code DISABLED} (fault tolerance turned off), {@code SUSPENDED}, {@code VM_NOT_RUNNING}
 * @param reason       a sentence for people
 */
public record ProtectionStatus(boolean protectedNow, String code, String reason) {

    /** "Protected" or "Not Protected". */
    public String label() {
        return protectedNow ? "Protected" : "Not Protected";
    }

    /**
     * @param unplaced why the cluster manager cannot place a backup for this VM right now, or null
     */
    public static ProtectionStatus of(VmSpec spec, VmState state, Set<String> liveHosts, String unplaced) {
        switch (state.status()) {
            case STOPPED:
                return new ProtectionStatus(false, "VM_NOT_RUNNING", "the VM is not running"
                        + (state.reason().isEmpty() ? "" : " (" + state.reason() + ")"));
            case PROTECTED:
                return new ProtectionStatus(true, "PROTECTED", "backup on " + state.backup()
                        + " replays in lockstep since epoch " + state.backupSince());
            default:
                break;
        }
        if (!liveHosts.contains(state.primary())) {
            // a backup still being synchronised cannot take over: the record says SYNCING, but the VM is gone
            return new ProtectionStatus(false, "PRIMARY_LOST", "the primary's host " + state.primary()
                    + " is not live and the VM had no backup in sync to take over"
                    + (state.status() == VmStatus.SYNCING ? " (the backup on " + state.backup()
                            + " was still being synchronised)" : "")
                    + ": the VM is lost unless that host comes back; ftctl vm stop, then vm start, boots it afresh");
        }
        if (state.status() == VmStatus.SYNCING) {
            return new ProtectionStatus(false, "STARTING", "backup on " + state.backup()
                    + " is being synchronised (snapshot, then the log)");
        }
        if (spec.protection() == DesiredProtection.NONE) {
            return new ProtectionStatus(false, "DISABLED", "fault tolerance is turned off");
        }
        if (spec.protection() == DesiredProtection.SUSPENDED) {
            return new ProtectionStatus(false, "SUSPENDED", "fault tolerance is suspended (ftctl ft resume)");
        }
        if (unplaced != null) {
            return new ProtectionStatus(false, "NO_CAPACITY", "no host can take a backup: " + unplaced);
        }
        return new ProtectionStatus(false, "NEED_SECONDARY", "waiting for the cluster manager to place a backup"
                + (state.reason().isEmpty() ? "" : " (last change: " + state.reason() + ")"));
    }
}
