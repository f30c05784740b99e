package io.ftvm.node.daemon;

import io.ftvm.backup.TakeoverAuthority;
import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.coordinator.CoordinatorUnavailableException;
import io.ftvm.coordinator.IllegalTransitionException;
import io.ftvm.coordinator.Role;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.TransitionOutcome;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.primary.RoleAuthority;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The roles' authority on ZooKeeper: each request reads the VM's record, checks that this host still holds its role
 * in the same tenure, and makes the change by versioned compare-and-set. Losing a race means fenced, unless the
 * record still names this host (someone else changed it for another reason, or our own write's reply was lost).
 * ZooKeeper being unreachable is {@link RoleAuthority.Verdict#RETRY}: role changes wait, the running pair does not.
 */
final class ZkAuthority {
    private static final Logger LOG = LoggerFactory.getLogger(ZkAuthority.class);

    private final VmRecords records;
    private final String vmId;
    private final String host;

    ZkAuthority(VmRecords records, String vmId, String host) {
        this.records = records;
        this.vmId = vmId;
        this.host = host;
    }

    /** The authority of this host's primary tenure that began at epoch {@code since}. */
    RoleAuthority primary(long since) {
        return new RoleAuthority() {
            @Override
            public Verdict goUnprotected(long backupTenure, String reason) {
                return change(Role.PRIMARY, since, s -> !s.state().status().hasBackup()
                        || s.state().backupSince() != backupTenure, new Transition.GoUnprotected(host, reason));
            }

            @Override
            public Verdict backupInSync(String backup, long backupTenure) {
                return change(Role.PRIMARY, since, s -> s.state().status() == VmStatus.PROTECTED
                        && s.state().backupSince() == backupTenure, new Transition.BackupInSync(backup));
            }
        };
    }

    /** The takeover of this host's backup tenure that began at {@code backupSince}. */
    TakeoverAuthority backup(long backupSince) {
        return (reason, planned) -> {
            try {
                VersionedState s = records.state(vmId);
                if (!s.state().names(host, Role.BACKUP) || s.state().backupSince() != backupSince) {
                    return TakeoverAuthority.Outcome.fenced();
                }
                TransitionOutcome o = records.transition(s, new Transition.TakeOver(host, planned));
                VersionedState now = o.state();
                if (o.won() || now.state().names(host, Role.PRIMARY) && now.state().primarySince() > backupSince) {
                    long tenure = now.state().primarySince();
                    LOG.info("VM {}: {} took over at epoch {}", vmId, host, tenure);
                    return new TakeoverAuthority.Outcome(RoleAuthority.Verdict.WON, primary(tenure), tenure);
                }
                return TakeoverAuthority.Outcome.fenced();
            } catch (CoordinatorUnavailableException e) {
                LOG.warn("VM {}: takeover needs ZooKeeper, which is unreachable: {}", vmId, e.getMessage());
                return new TakeoverAuthority.Outcome(RoleAuthority.Verdict.RETRY, null, -1);
            } catch (CoordinatorException | IllegalArgumentException e) {
                LOG.warn("VM {}: takeover refused: {}", vmId, e.getMessage());
                return TakeoverAuthority.Outcome.fenced();
            }
        };
    }

    /**
     * Makes {@code t} as the holder of {@code role} since {@code since}; {@code done} says whether a state already
     * has the change's effect (nothing to do).
     */
    private RoleAuthority.Verdict change(Role role, long since, Predicate<VersionedState> done, Transition t) {
        try {
            VersionedState s = records.state(vmId);
            if (!holds(s, role, since)) {
                return RoleAuthority.Verdict.FENCED;
            }
            if (done.test(s)) {
                return RoleAuthority.Verdict.WON;
            }
            TransitionOutcome o = records.transition(s, t);
            if (o.won()) {
                return RoleAuthority.Verdict.WON;
            }
            return holds(o.state(), role, since) ? RoleAuthority.Verdict.WON : RoleAuthority.Verdict.FENCED;
        } catch (CoordinatorUnavailableException e) {
            LOG.warn("VM {}: {} needs ZooKeeper, which is unreachable: {}", vmId, t, e.getMessage());
            return RoleAuthority.Verdict.RETRY;
        } catch (IllegalTransitionException e) {
            // Still ours, but the record moved on in a way that makes this change moot (e.g. the manager dropped
            // the backup): keep the role, the next check sorts it out.
            return holds(new VersionedState(vmId, e.current(), 0), role, since) ? RoleAuthority.Verdict.RETRY
                    : RoleAuthority.Verdict.FENCED;
        } catch (CoordinatorException | IllegalArgumentException e) {
            LOG.warn("VM {}: {} refused: {}", vmId, t, e.getMessage());
            return RoleAuthority.Verdict.FENCED;
        }
    }

    private boolean holds(VersionedState s, Role role, long since) {
        return s.state().names(host, role) && s.state().since(role) == since;
    }
}
