package io.ftvm.node.console;

import java.util.Objects;
import java.util.Optional;

/** Whether a host serves a VM's console: {@link Serving}, or {@link NotServing} with where to go instead. */
public sealed interface ServingState permits ServingState.Serving, ServingState.NotServing, ServingState.Lost {
    /** The one serving state. */
    ServingState SERVING = new Serving();

    /** This host is the VM's primary: its console endpoint serves. */
    record Serving() implements ServingState {
    }

    /**
     * This host does not serve the VM (it is the backup, fenced, or the VM ended here).
     *
     * @param hint the current primary's console endpoint as {@code host:port}, when known
     * @param reason why, for people (logs, the client's stderr)
     */
    record NotServing(Optional<String> hint, String reason) implements ServingState {
        public NotServing {
            Objects.requireNonNull(hint, "hint");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** No host serves the VM any more (its primary's host is gone and no backup could take over): clients stop. */
    record Lost(String reason) implements ServingState {
        public Lost {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public static ServingState notServing(String hint, String reason) {
        return new NotServing(Optional.ofNullable(hint).filter(h -> !h.isEmpty()), reason);
    }

    default boolean serving() {
        return this instanceof Serving;
    }
}
