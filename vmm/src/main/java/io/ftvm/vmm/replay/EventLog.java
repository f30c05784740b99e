package io.ftvm.vmm.replay;

/**
 * An append-only nondeterminism log that may still be growing while it is read: the recorder appends, a replayer
 * (in this process or, later, on a backup host) reads entry by entry and may wait for the next one.
 */
public interface EventLog extends AutoCloseable {

    /** Appends an entry; its icount must not be below the previous entry's. */
    void append(Event e) throws RecordingException;

    /** Number of entries appended so far. */
    long size();

    /**
     * Entry {@code index}, waiting up to {@code timeoutNanos} for it to be appended. Returns null on timeout, or
     * when the log was closed with fewer entries.
     */
    Event await(long index, long timeoutNanos) throws InterruptedException;

    /** True once no more entries will be appended. */
    boolean isClosed();

    /** Ends the log (for a file: flushes and closes it). */
    @Override
    void close() throws RecordingException;
}
