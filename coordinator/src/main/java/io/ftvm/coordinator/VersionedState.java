package io.ftvm.coordinator;

import java.util.Objects;

/**
 * A {@link VmState} as read, with the znode version the compare-and-set must match to replace it.
 *
 * @param vmId      the VM
 * @param state     the decoded state
 * @param zkVersion the state znode's data version at the time of the read
 */
public record VersionedState(String vmId, VmState state, int zkVersion) {
    public VersionedState {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(state, "state");
    }

    public long epoch() {
        return state.epoch();
    }
}
