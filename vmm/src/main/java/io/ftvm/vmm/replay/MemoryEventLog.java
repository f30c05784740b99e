package io.ftvm.vmm.replay;

import java.util.ArrayList;
import java.util.List;

/** An {@link EventLog} in memory, safe for one writer and any number of readers on other threads. */
public final class MemoryEventLog implements EventLog {
    private final List<Event> entries = new ArrayList<>();
    private boolean closed;
    private long lastIcount;

    @Override
    public synchronized void append(Event e) throws RecordingException {
        if (closed) {
            throw new RecordingException("the log is closed");
        }
        if (e.icount() < lastIcount) {
            throw new RecordingException("entry at icount " + e.icount() + " after one at " + lastIcount);
        }
        lastIcount = e.icount();
        entries.add(e);
        notifyAll();
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public synchronized Event await(long index, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (index >= entries.size() && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return index < entries.size() ? entries.get((int) index) : null;
    }

    /** A copy of the entries so far. */
    public synchronized List<Event> entries() {
        return List.copyOf(entries);
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
