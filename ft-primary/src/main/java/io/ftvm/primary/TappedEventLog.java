package io.ftvm.primary;

import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.RecordingException;

/**
 * Record mode's log on a primary: every entry goes to the shipping log first (the backup and the Output Rule depend
 * on it), then to the {@link RecordingTap}, which never fails the run.
 */
final class TappedEventLog implements EventLog {
    private final EventLog log;
    private final RecordingTap tap;

    TappedEventLog(EventLog log, RecordingTap tap) {
        this.log = log;
        this.tap = tap;
    }

    @Override
    public void append(Event e) throws RecordingException {
        log.append(e);
        tap.append(e);
    }

    @Override
    public long size() {
        return log.size();
    }

    @Override
    public Event await(long index, long timeoutNanos) throws InterruptedException {
        return log.await(index, timeoutNanos);
    }

    @Override
    public boolean isClosed() {
        return log.isClosed();
    }

    @Override
    public void close() throws RecordingException {
        log.close();
    }
}
