package io.ftvm.coordinator;

import java.util.Objects;

/**
 * The mutable half of a VM record ({@code .../vms/<vm>/state}): who holds which role at which epoch. Changed only by
 * {@link Transitions} through a versioned compare-and-set in {@link VmRecords}; every change increments
 * {@code epoch}.
 *
 * <p>{@code primary} and {@code backup} are host ids or {@code null}; the constructor enforces which are present for
 * each status. {@code primarySince} and {@code backupSince} are the epochs at which the current holders got their
 * roles (0 when there is no holder). They tell one tenure from another: a host that was fenced and later got the
 * same role again is a new holder, even if a watcher missed the changes in between (see {@link FencingWatch}).
 * {@code reason} says why the last transition happened (free text for operators, may be empty).
 */
public record VmState(long epoch, VmStatus status, String primary, long primarySince, String backup,
                      long backupSince, String reason) {

    public VmState {
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
        checkHolder(status, "primary", status.running(), primary, primarySince, epoch);
        checkHolder(status, "backup", status.hasBackup(), backup, backupSince, epoch);
        if (backup != null && backup.equals(primary)) {
            throw new IllegalArgumentException("primary and backup are the same host '" + primary + "'");
        }
        if (backup != null && backupSince <= primarySince) {
            // every backup is assigned under the current primary (a takeover drops the backup)
            throw new IllegalArgumentException("backupSince " + backupSince + " must be after primarySince "
                    + primarySince);
        }
    }

    private static void checkHolder(VmStatus status, String role, boolean wanted, String host, long since, long epoch) {
        if (wanted != (host != null)) {
            throw new IllegalArgumentException(status + (wanted ? " needs a " : " must not have a ") + role);
        }
        if (host == null) {
            if (since != 0) {
                throw new IllegalArgumentException(role + "Since must be 0 without a " + role + ", was " + since);
            }
            return;
        }
        HostInfo.checkHostId(host);
        if (since < 1 || since > epoch) {
            throw new IllegalArgumentException(role + "Since must be in 1.." + epoch + ", was " + since);
        }
    }

    /** The state of a freshly created VM: stopped at epoch 0. */
    public static VmState initial() {
        return new VmState(0, VmStatus.STOPPED, null, 0, null, 0, "created");
    }

    /** The host holding {@code role}, or {@code null}. */
    public String holder(Role role) {
        return role == Role.PRIMARY ? primary : backup;
    }

    /** The epoch at which the current holder of {@code role} got it (0 if none). */
    public long since(Role role) {
        return role == Role.PRIMARY ? primarySince : backupSince;
    }

    /** True when this state names {@code host} in {@code role}. */
    public boolean names(String host, Role role) {
        return host.equals(holder(role));
    }

    @Override
    public String toString() {
        return "epoch " + epoch + " " + status + (primary != null ? " primary=" + primary + "@" + primarySince : "")
                + (backup != null ? " backup=" + backup + "@" + backupSince : "")
                + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
