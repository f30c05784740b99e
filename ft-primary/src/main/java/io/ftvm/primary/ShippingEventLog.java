package io.ftvm.primary;

import io.ftvm.replication.Messages;
import io.ftvm.replication.SenderLog;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.EventCodec;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.RecordingException;
import java.util.ArrayDeque;

/**
 * The primary's nondeterminism log: every entry record mode appends is encoded and handed to the attached backup's
 * {@link SenderLog} (none while unprotected). It also tracks console input durability: input bytes count as
 * acknowledged (to clients) once the backup ACKed the entry that delivered them, or at once while unprotected.
 * A horizon entry, and the entry that ends a recording, trigger {@code onHorizon} (the connection flushes).
 *
 * <p>Record mode's thread appends; a network thread delivers ACKs. Reading is not supported: this log is only
 * written.
 */
public final class ShippingEventLog implements EventLog {
    /** The {@link Messages.Entry#kind()} of a VMM event. */
    public static final int KIND_VMM_EVENT = 1;
    /**
     * The kind of the entry that opens a backup's stream, right after its snapshot: 8 bytes little-endian, the
     * console input bytes delivered before it (the snapshot's machine state does not count them).
     */
    public static final int KIND_INPUT_BASE = 2;

    private final Runnable onHorizon;
    private volatile SenderLog sender;
    /** (sequence, cumulative input bytes) for input entries not yet acknowledged. */
    private final ArrayDeque<long[]> inputMarks = new ArrayDeque<>();
    private long inputDelivered;
    private volatile long inputAcked;
    private long size;
    /** Bytes and entries shipped to backups (written by the VM thread only, read by metrics). */
    private volatile long shippedBytes;
    private volatile long shippedEntries;
    private volatile boolean closed;
    /**
     * Whether input delivered with no backup counts as acknowledged: true while the primary runs alone by right
     * (started unprotected, or won going unprotected); false once fenced or closed, when nothing is durable.
     */
    private boolean durableAlone = true;

    /** A log whose input stream continues at {@code inputFrom} (bytes already delivered before this log). */
    public ShippingEventLog(long inputFrom, Runnable onHorizon) {
        this.inputDelivered = inputFrom;
        this.inputAcked = inputFrom;
        this.onHorizon = onHorizon;
    }

    @Override
    public void append(Event e) throws RecordingException {
        if (closed) {
            throw new RecordingException("the log is closed");
        }
        SenderLog s = sender;
        if (s != null) {
            byte[] payload = EventCodec.encode(e);
            long seq = s.append(new Messages.Entry(e.icount(), KIND_VMM_EVENT, payload));
            shippedBytes += payload.length; // single writer: a volatile write is enough
            shippedEntries++;
            if (e instanceof Event.ConsoleInput c) {
                synchronized (inputMarks) {
                    inputDelivered += c.bytes().length;
                    inputMarks.add(new long[] {seq, inputDelivered});
                }
            }
        } else if (e instanceof Event.ConsoleInput c) {
            synchronized (inputMarks) {
                inputDelivered += c.bytes().length;
                if (durableAlone) {
                    inputAcked = inputDelivered;
                }
            }
            onHorizon.run(); // tells clients at once (nothing to wait for)
        }
        size++;
        boolean last = e instanceof Event.PowerOff || e instanceof Event.TrapLoop;
        if ((e instanceof Event.Horizon || last) && s != null) {
            onHorizon.run();
        }
    }

    /**
     * Ships entries to {@code target} from now on (call while record mode is paused, right after a snapshot).
     * Acknowledgements of input come from its ACKs via {@link #onAck}.
     */
    public void attach(SenderLog target, long icount) {
        synchronized (inputMarks) {
            inputMarks.clear();
            durableAlone = true;
            byte[] base = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(inputDelivered).array();
            target.append(new Messages.Entry(icount, KIND_INPUT_BASE, base));
        }
        sender = target;
    }

    /**
     * No backup any more: nothing is shipped. With {@code durable} (the primary won the right to go on alone) all
     * delivered input counts as acknowledged; without (fenced, closed) the acknowledged offset stays where the backup
     * left it, and never moves again.
     */
    public void detach(boolean durable) {
        sender = null;
        synchronized (inputMarks) {
            inputMarks.clear();
            durableAlone = durable;
            if (durable) {
                inputAcked = inputDelivered;
            }
        }
    }

    /** Payload bytes of the VMM events shipped to backups so far (all backups of this primary). */
    public long shippedBytes() {
        return shippedBytes;
    }

    /** VMM events shipped to backups so far. */
    public long shippedEntries() {
        return shippedEntries;
    }

    public SenderLog sender() {
        return sender;
    }

    /** The backup ACKed through {@code sequence}: input delivered by entries up to it is durable. */
    public void onAck(long sequence) {
        synchronized (inputMarks) {
            long[] m;
            while ((m = inputMarks.peek()) != null && m[0] <= sequence) {
                inputMarks.poll();
                inputAcked = m[1];
            }
        }
    }

    /** Input bytes delivered to the guest (logged). */
    public long inputDelivered() {
        synchronized (inputMarks) {
            return inputDelivered;
        }
    }

    /** Input bytes whose delivery is durable (acknowledged by the backup, or delivered while unprotected). */
    public long inputAcked() {
        return inputAcked;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Event await(long index, long timeoutNanos) {
        throw new UnsupportedOperationException("the primary's shipping log is write-only");
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
