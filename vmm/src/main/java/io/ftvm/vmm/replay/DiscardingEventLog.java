package io.ftvm.vmm.replay;

/** An {@link EventLog} that keeps nothing: record mode without a recording (plain {@code ftvm run}). */
public final class DiscardingEventLog implements EventLog {
    private long size;
    private boolean closed;

    @Override
    public void append(Event e) {
        size++;
    }

    @Override
    public long size() {
        return size;
    }

    /** Entries are not kept: always null. */
    @Override
    public Event await(long index, long timeoutNanos) {
        return null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
