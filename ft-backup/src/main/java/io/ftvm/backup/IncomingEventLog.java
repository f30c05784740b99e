package io.ftvm.backup;

import io.ftvm.primary.ShippingEventLog;
import io.ftvm.replication.Messages;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.EventCodec;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.RecordingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * The backup's view of the log, fed by the network thread and read by the replay thread: received entries are
 * decoded into events and queued; the replayer reads them by index and entries it has passed are dropped, so memory
 * holds only what replay has not reached. Also counts the console input the log delivers (after the input base
 * that opens the stream), which a new primary continues from.
 */
public final class IncomingEventLog implements EventLog {
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    /** Index of the queue's first entry. */
    private long first;
    private long size;
    private long inputTotal;
    private boolean closed;
    /** The highest instruction count of any event received (the primary has executed at least this far). */
    private volatile long receivedIcount = -1;

    /** Adds a received entry (network thread). */
    public void receive(Messages.Entry e) throws RecordingException {
        if (e.kind() == ShippingEventLog.KIND_INPUT_BASE) {
            byte[] p = e.payload();
            if (p.length != 8) {
                throw new RecordingException("input base entry of " + p.length + " bytes (8 expected)");
            }
            synchronized (this) {
                inputTotal = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            return;
        }
        if (e.kind() != ShippingEventLog.KIND_VMM_EVENT) {
            throw new RecordingException("log entry of unknown kind " + e.kind());
        }
        Event ev = EventCodec.decode(e.payload());
        if (ev.icount() != e.icount()) {
            throw new RecordingException("entry icount " + e.icount() + " differs from its event's " + ev.icount());
        }
        append(ev);
    }

    /** The highest instruction count of any event received so far (-1: none). */
    public long receivedIcount() {
        return receivedIcount;
    }

    @Override
    public synchronized void append(Event e) throws RecordingException {
        if (closed) {
            throw new RecordingException("the log is closed");
        }
        if (e instanceof Event.ConsoleInput c) {
            inputTotal += c.bytes().length;
        }
        queue.add(e);
        size++;
        if (e.icount() > receivedIcount) {
            receivedIcount = e.icount();
        }
        notifyAll();
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized Event await(long index, long timeoutNanos) throws InterruptedException {
        while (first < index && !queue.isEmpty()) {
            queue.poll(); // the replayer has passed it
            first++;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (index >= size && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || woken) {
                woken = false;
                return null;
            }
            wait(Math.max(1, left / 1_000_000), (int) Math.min(999_999, left % 1_000_000));
        }
        if (index >= size) {
            return null;
        }
        if (index < first) {
            throw new IllegalStateException("entry " + index + " was already dropped (first held: " + first + ")");
        }
        return index == first ? queue.peek() : queue.stream().skip(index - first).findFirst().orElseThrow();
    }

    /** Set by {@link #wake}: the waiting replayer returns at once (as on its timeout). */
    private boolean woken;

    /** Makes a replayer waiting for the next entry return now (something else needs its thread: a hand-over). */
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /** Console input bytes delivered by the log so far, from the VM's start. */
    public synchronized long inputTotal() {
        return inputTotal;
    }

    /** Entries received but not yet passed by the replayer. */
    public synchronized int backlog() {
        return queue.size();
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
