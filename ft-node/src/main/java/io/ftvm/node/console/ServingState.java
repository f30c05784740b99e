package io.ftvm.node.console;

import java.util.Objects;
import java.util.Optional;

/** Whether a host serves a VM's console: {@link Serving}, or {@link NotServing} with where to go instead. */
public sealed interface ServingState permits ServingState.Serving, ServingState.NotServing, ServingState.Arriving,
        ServingState.Lost {
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
     * @param standbyHere this host holds the VM's in-sync backup: a client that comes here (over its standby
     *                    connection, its primary gone silent or handing over) may find it taking over in a moment
     */
    record NotServing(Optional<String> hint, String reason, boolean standbyHere) implements ServingState {
        public NotServing {
            Objects.requireNonNull(hint, "hint");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * This host is taking the VM over (its backup won, or is winning, the primary role): a client's HELLO is held
     * until it serves, or it is sent on when the takeover here fails. Clients the old primary sent here at a planned
     * hand-over thus connect while the takeover runs, not after it.
     *
     * @param reason what is happening, for people
     */
    record Arriving(String reason) implements ServingState {
        public Arriving {
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
        return notServing(hint, reason, false);
    }

    public static ServingState notServing(String hint, String reason, boolean standbyHere) {
        return new NotServing(Optional.ofNullable(hint).filter(h -> !h.isEmpty()), reason, standbyHere);
    }

    default boolean serving() {
        return this instanceof Serving;
    }
}
