package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleException;

/** What a console endpoint serves for one VM: released output with absolute byte offsets, and an input stream. */
public interface ConsoleBackend {
    /** Oldest output offset still held (older bytes were dropped from the bounded history). */
    long historyStart();

    /** Offset one past the last released output byte. */
    long outputEnd();

    /**
     * Copies released output starting at {@code from} (historyStart <= from <= outputEnd) into buf; returns bytes
     * copied.
     */
    int readOutput(long from, byte[] buf, int off, int len);

    /**
     * Input bytes are numbered from 0 across the VM's life. Offers bytes that start at stream offset {@code offset}:
     * bytes below {@link #inputAccepted()} are duplicates (a resend after failover) and are skipped; a gap (offset >
     * inputAccepted()) is refused with an exception; returns the new inputAccepted(). May accept only a prefix when
     * its buffer is full (backpressure): the client resends the rest later.
     */
    long offerInput(long offset, byte[] bytes) throws ConsoleException;

    /** Offset one past the last input byte the backend accepted (may not yet be durable). */
    long inputAccepted();

    /** Offset one past the last input byte that is durable (replicated): only this is acknowledged to clients. */
    long inputAcked();

    /** Registers a listener called (from any thread) when outputEnd or inputAcked grows, or the backend ends. */
    void addListener(Runnable changed);

    void removeListener(Runnable changed);

    /**
     * Where the VM would go should it move (its in-sync backup's console, {@code host:port}), or empty: sent to
     * clients as STANDBY so they can hold a connection there ready. Changes fire the listeners.
     */
    default String standby() {
        return "";
    }

    /** Whether this host currently serves the VM (it is the primary); otherwise where the primary is, if known. */
    ServingState servingState();
}
