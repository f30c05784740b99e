package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleError;
import io.ftvm.replication.console.ConsoleException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ConsoleBackend} in memory: output in a bounded history (a ring), input accepted into a bounded buffer of
 * not-yet-durable bytes that the test makes durable by hand ({@link #ackInput}) or at once ({@link #autoAck}).
 * Every input byte ever accepted is kept for assertions.
 */
public final class InMemoryConsoleBackend implements ConsoleBackend {
    private final byte[] ring;
    private final int inputLimit;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream inputLog = new ByteArrayOutputStream();
    private final AtomicLong outputBytesRead = new AtomicLong();
    private final AtomicLong duplicateBytesSkipped = new AtomicLong();
    private long outputEnd;
    private long inputAccepted;
    private long inputAcked;
    private boolean autoAck;
    private volatile ServingState serving = ServingState.SERVING;

    /** {@code historyBytes} of output held; at most {@code inputLimit} input bytes accepted and not yet durable. */
    public InMemoryConsoleBackend(int historyBytes, int inputLimit) {
        this.ring = new byte[historyBytes];
        this.inputLimit = inputLimit;
    }

    // ------------------------------------------------------------ test controls

    public void appendOutput(byte[] bytes) {
        appendOutput(bytes, 0, bytes.length);
    }

    public void appendOutput(byte[] bytes, int off, int len) {
        synchronized (this) {
            for (int i = 0; i < len; i++) {
                ring[(int) ((outputEnd + i) % ring.length)] = bytes[off + i];
            }
            outputEnd += len;
        }
        changed();
    }

    /** Makes all accepted input durable. */
    void ackInput() {
        synchronized (this) {
            inputAcked = inputAccepted;
        }
        changed();
    }

    /** Makes accepted input below {@code offset} durable. */
    void ackInput(long offset) {
        synchronized (this) {
            inputAcked = Math.max(inputAcked, Math.min(offset, inputAccepted));
        }
        changed();
    }

    /** From now on accepted input is durable at once. */
    public void autoAck(boolean on) {
        synchronized (this) {
            autoAck = on;
        }
        if (on) {
            ackInput();
        }
    }

    void setServing(ServingState state) {
        serving = state;
        changed();
    }

    /** Every input byte accepted, in stream order from offset 0. */
    public synchronized byte[] inputBytes() {
        return inputLog.toByteArray();
    }

    /** Input bytes from {@code from} (for replicating them to another backend). */
    public synchronized byte[] inputBytes(long from) {
        byte[] all = inputLog.toByteArray();
        return java.util.Arrays.copyOfRange(all, (int) Math.min(from, all.length), all.length);
    }

    long outputBytesRead() {
        return outputBytesRead.get();
    }

    long duplicateBytesSkipped() {
        return duplicateBytesSkipped.get();
    }

    int listenerCount() {
        return listeners.size();
    }

    private void changed() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    // ------------------------------------------------------------ ConsoleBackend

    @Override
    public synchronized long historyStart() {
        return Math.max(0, outputEnd - ring.length);
    }

    @Override
    public synchronized long outputEnd() {
        return outputEnd;
    }

    @Override
    public synchronized int readOutput(long from, byte[] buf, int off, int len) {
        if (from < historyStart() || from > outputEnd) {
            throw new IllegalArgumentException("offset " + from + " outside [" + historyStart() + ", " + outputEnd
                    + "]");
        }
        int n = (int) Math.min(len, outputEnd - from);
        for (int i = 0; i < n; i++) {
            buf[off + i] = ring[(int) ((from + i) % ring.length)];
        }
        outputBytesRead.addAndGet(n);
        return n;
    }

    @Override
    public long offerInput(long offset, byte[] bytes) throws ConsoleException {
        boolean grew;
        long result;
        synchronized (this) {
            if (offset > inputAccepted) {
                throw new ConsoleException(ConsoleError.INPUT_GAP, inputAccepted, "input at " + offset
                        + " leaves a gap after " + inputAccepted);
            }
            int skip = (int) Math.min(bytes.length, inputAccepted - offset);
            duplicateBytesSkipped.addAndGet(skip);
            int room = (int) Math.max(0, inputAcked + inputLimit - inputAccepted);
            int n = Math.min(bytes.length - skip, room);
            inputLog.write(bytes, skip, n);
            inputAccepted += n;
            grew = autoAck && n > 0;
            if (grew) {
                inputAcked = inputAccepted;
            }
            result = inputAccepted;
        }
        if (grew) {
            changed();
        }
        return result;
    }

    @Override
    public synchronized long inputAccepted() {
        return inputAccepted;
    }

    @Override
    public synchronized long inputAcked() {
        return inputAcked;
    }

    @Override
    public void addListener(Runnable changed) {
        listeners.add(changed);
    }

    @Override
    public void removeListener(Runnable changed) {
        listeners.remove(changed);
    }

    @Override
    public ServingState servingState() {
        return serving;
    }

    private volatile String standby = "";

    void setStandby(String hint) {
        standby = hint;
        changed();
    }

    @Override
    public String standby() {
        return standby;
    }
}
