package io.ftvm.coordinator;

/**
 * The result of a role change on a VM record. A role that gets {@link Lost} must look at the current state: if it no
 * longer names this host in its role it is fenced and halts its instance; if it still does (someone else changed the
 * record for another reason, for example the manager dropped a dead backup), it adopts the new epoch.
 */
public sealed interface TransitionOutcome {

    /** The compare-and-set succeeded; {@code state} is the new record (epoch incremented). */
    record Won(VersionedState state) implements TransitionOutcome {
    }

    /** The record had moved past the expected epoch (another host won a race); {@code current} is what it is now. */
    record Lost(VersionedState current) implements TransitionOutcome {
        /** True when the current state still names {@code host} in {@code role}. */
        public boolean stillHolds(String host, Role role) {
            return current.state().names(host, role);
        }
    }

    default boolean won() {
        return this instanceof Won;
    }

    /** The state after the call: the new one if won, the current one if lost. */
    default VersionedState state() {
        if (this instanceof Won w) {
            return w.state();
        }
        return ((Lost) this).current();
    }
}
