package io.ftvm.replication.console;

/** The error codes of the console protocol's ERROR message (wire values are fixed; see docs/console-protocol.md). */
public enum ConsoleError {
    /** The peer speaks a protocol version this end does not. Fatal for a client. */
    UNSUPPORTED_VERSION(1),
    /** This host has no console for the VM id (never had, or no longer). A client tries its next endpoint. */
    UNKNOWN_VM(2),
    /** The requested output offset is older than the oldest byte held; the message's offset is the oldest held. */
    OFFSET_NOT_HELD(3),
    /** The requested output offset is past this host's output end (it is behind the client); offset = its end. */
    OFFSET_AHEAD(4),
    /** Input would leave a hole in the stream: the host lacks bytes before the offered ones; offset = accepted. */
    INPUT_GAP(5),
    /** Another writer filled the offsets this connection's fresh input was sent for; offset = the first one. */
    INPUT_CONFLICT(6),
    /** A malformed, oversized, unknown or out-of-order frame. */
    PROTOCOL_VIOLATION(7),
    /** The backend failed; the message says how. */
    INTERNAL(8),
    /** The client did not prove itself (no valid console token, no cluster certificate). Fatal for a client. */
    UNAUTHENTICATED(9),
    /** INPUT on a connection attached read-only. Fatal for a client. */
    READ_ONLY(10),
    /** Another connection holds the VM's write lease; the message names it. Fatal for a client. */
    WRITE_LEASE_HELD(11),
    /** Another client took the write lease over; the message names it. Fatal for a client. */
    WRITE_LEASE_LOST(12),
    /**
     * The VM is lost: its primary's host is gone and no backup in sync could take over; the message says why.
     * Fatal for a client (no host will serve this VM's output again).
     */
    VM_LOST(13);

    private final int wire;

    ConsoleError(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** The code for a wire value, or null when unknown. */
    public static ConsoleError fromWire(int value) {
        for (ConsoleError e : values()) {
            if (e.wire == value) {
                return e;
            }
        }
        return null;
    }
}
