package io.ftvm.node.daemon;

import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.coordinator.Role;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmState;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes a host makes to a VM's record about its own roles, each by compare-and-set while the record still says
 * what the change is about: the manager and other hosts change the record too (the manager assigns a backup as soon
 * as a primary is named), so a lost compare-and-set is read again and retried (a bounded number of times), and a
 * record that moved on (the role is no longer this host's) is left alone.
 */
final class RoleRecord {
    private static final Logger LOG = LoggerFactory.getLogger(RoleRecord.class);
    private static final int ATTEMPTS = 10;

    private final VmRecords records;
    private final String vmId;
    private final String hostId;

    RoleRecord(VmRecords records, String vmId, String hostId) {
        this.records = records;
        this.vmId = vmId;
        this.hostId = hostId;
    }

    /**
     * Records the VM stopped while the record still names this host primary at {@code tenure}. The manager may change
     * the record between the read and the write (it assigns a backup as soon as the primary is named), so a lost
     * compare-and-set is retried against the new version: a stop that is not recorded leaves a running record whose
     * primary never runs.
     */
    void stop(long tenure, String reason) {
        changeRecord(s -> s.status().running() && s.names(hostId, Role.PRIMARY) && s.primarySince() == tenure,
                s -> new Transition.Stop(reason), reason);
    }

    /**
     * Gives up a backup role of {@code tenure} that this host cannot play (its instance died with a previous life of
     * this ftd), while the record still names it: the VM goes unprotected on its primary's behalf and the manager
     * places a new backup at once, rather than waiting for a backup that will never connect.
     */
    void resignBackup(long tenure, String reason) {
        changeRecord(s -> s.status().hasBackup() && s.names(hostId, Role.BACKUP) && s.backupSince() == tenure,
                s -> new Transition.GoUnprotected(s.primary(), reason), reason);
    }

    /** Drops the backup of {@code backupTenure} while this host is primary since {@code primaryTenure}. */
    void dropBackup(long primaryTenure, long backupTenure, String reason) {
        changeRecord(s -> s.status().hasBackup() && s.names(hostId, Role.PRIMARY) && s.primarySince() == primaryTenure
                && s.backupSince() == backupTenure, s -> new Transition.GoUnprotected(hostId, reason), reason);
    }

    /** Applies {@code change} while {@code applies} holds of the record, retrying lost compare-and-sets (bounded). */
    private void changeRecord(Predicate<VmState> applies,
            Function<VmState, Transition> change, String what) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                var current = records.state(vmId);
                if (!applies.test(current.state())) {
                    return; // done already, or the record moved on: not ours to change
                }
                if (records.transition(current, change.apply(current.state())).won()) {
                    return;
                }
            } catch (CoordinatorException e) {
                LOG.warn("VM {}: cannot record that {}: {}", vmId, what, e.getMessage());
                return;
            }
        }
        LOG.warn("VM {}: the record kept changing; not recorded: {}", vmId, what);
    }
}
