package io.ftvm.replication.console;

/**
 * A change in a {@link ConsoleClient}'s connection, for its connection listener.
 *
 * @param kind what happened
 * @param endpoint the endpoint concerned, or null
 * @param outputOffset the next output offset the client needs
 * @param inputAcked the highest input offset acknowledged
 * @param detail for people: the reason, the hint, the bytes lost
 */
public record ConnectionEvent(Kind kind, Endpoint endpoint, long outputOffset, long inputAcked, String detail) {
    public enum Kind {
        /** The first WELCOME. */
        CONNECTED,
        /** A WELCOME after a lost connection: output resumes at {@code outputOffset}. */
        RECONNECTED,
        /** A connection ended (or could not be made); the client will try again. */
        DISCONNECTED,
        /** A host does not serve the VM and named (or did not know) the primary. */
        REDIRECTED,
        /** Output the client needed is no longer held: bytes were lost to this client. Loud. */
        OUTPUT_GAP,
        /** Input this client sent was refused or lost. Loud. */
        INPUT_LOST,
        /** The client stopped for good (unsupported version, an output gap it was told not to accept). */
        FAILED,
        /** {@link ConsoleClient#close()} finished. */
        CLOSED
    }

    /** A listener of connection events; called on the client's I/O thread, so it must not block for long. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(ConnectionEvent event);
    }
}
