package io.ftvm.primary;

import io.ftvm.replication.Messages;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.EventCodec;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM's live recording: a recording file (format 1.1, {@code docs/recording-format.md}) that starts from a
 * snapshot and grows by every log entry the role sees, so {@code ftvm replay} can re-execute the VM from there.
 * A primary that boots a VM starts it with a snapshot of the freshly loaded machine; a backup with the snapshot it
 * joined from, then appends every entry it receives, and hands the tap to the primary it becomes, which appends its
 * own. An explicit state machine:
 *
 * <pre>
 * NEW --header and start snapshot written--> RECORDING --size bound reached, or a write failed--> STOPPED
 * NEW --recording off, no room for the snapshot, an I/O error--> OFF
 * any --close (the file is deleted)--> CLOSED
 * </pre>
 *
 * <p>Entries are written through, one {@code write} per record, as they are appended (crash-safe as the format
 * documents: a crash leaves at most a torn last record). Horizon entries are not written (they only pace a live
 * replayer); the latest one is remembered and closes each {@link #copyTo copy}. The tap never fails or blocks the
 * run beyond its own write: when the file cannot take an entry it stops, logs why, and copies report it.
 *
 * <p>One thread appends at a time (the VM thread, or a backup's network thread before the takeover); copies may
 * run on any thread concurrently: they read the file's complete records, never the one being written.
 */
public final class RecordingTap implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingTap.class);
    /** Header bytes besides the snapshot and the name (magic, versions, lengths, configuration, checksum). */
    private static final int HEADER_OVERHEAD = 64;
    private static final int COPY_BUFFER = 1 << 16;

    /** The tap's states (see the class comment for the edges). */
    public enum State {
        NEW, RECORDING, STOPPED, OFF, CLOSED
    }

    /** Where the tap is: its file, bytes written (complete records), the icounts it covers, and why it stopped. */
    public record Status(State state, Path file, long bytes, long firstIcount, long lastIcount, String reason) {
    }

    private final RecordingSettings settings;
    private final String vmId;
    private State state = State.NEW;
    private String reason;
    private Path file;
    private FileChannel channel;
    /** Bytes of the header and the complete records written: what a copy may read. */
    private long bytes;
    private long firstIcount;
    private long lastIcount;
    /** The latest horizon appended while recording (-1: none). */
    private long horizon = -1;

    /** A tap for {@code vmId}'s recording; nothing is written until {@code begin...}. */
    public RecordingTap(RecordingSettings settings, String vmId) {
        this.settings = settings;
        this.vmId = vmId;
    }

    /**
     * Starts the recording from {@code machine}'s current state (call while it is not running: a primary before
     * record mode starts). Does nothing if the tap has begun already.
     */
    public synchronized void beginFromMachine(Machine machine) {
        if (state != State.NEW || off()) {
            return;
        }
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        try {
            SnapshotFile.write(machine, snap);
        } catch (IOException e) {
            transition(State.OFF, "cannot take the start snapshot: " + e.getMessage());
            return;
        }
        byte[] bytes = snap.toByteArray();
        begin(new ByteArrayInputStream(bytes), bytes.length, machine.icount());
    }

    /**
     * Starts the recording from a snapshot file (a backup's join snapshot, taken at {@code icount}); it is copied,
     * so the caller may delete it afterwards. Does nothing if the tap has begun already.
     */
    public synchronized void beginFromSnapshot(Path snapshot, long icount) {
        if (state != State.NEW || off()) {
            return;
        }
        try (InputStream in = Files.newInputStream(snapshot)) {
            begin(in, Files.size(snapshot), icount);
        } catch (IOException e) {
            transition(State.OFF, "cannot read the start snapshot " + snapshot + ": " + e.getMessage());
        }
    }

    private boolean off() {
        if (!settings.enabled()) {
            state = State.OFF; // as configured: nothing to warn about
            reason = "recording is off in the settings";
            return true;
        }
        return false;
    }

    private void begin(InputStream snapshot, long length, long icount) {
        long room = settings.maxBytes() - HEADER_OVERHEAD - vmId.length() * 4L;
        if (length > room) {
            transition(State.OFF, "the start snapshot (" + length + " bytes) does not fit the recording bound of "
                    + settings.maxBytes() + " bytes");
            return;
        }
        Path f = null;
        try {
            Files.createDirectories(settings.directory());
            f = createFile(icount);
            FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            try {
                bytes = RecordingFile.writeSnapshotHeader(ch, vmId, snapshot, length);
                ch.force(false); // the header is written once: make it durable before the first record
            } catch (IOException | SnapshotException | RuntimeException e) {
                ch.close();
                throw e;
            }
            channel = ch;
            file = f;
            firstIcount = icount;
            lastIcount = icount;
            transition(State.RECORDING, "recording to " + f + " from icount " + icount + " (" + bytes
                    + " bytes of header)");
        } catch (IOException | SnapshotException | RuntimeException e) {
            deleteQuietly(f);
            transition(State.OFF, "cannot start the recording: " + e.getMessage());
        }
    }

    private Path createFile(long icount) throws IOException {
        String base = vmId.replaceAll("[^A-Za-z0-9._-]", "_") + "-i" + icount;
        for (int i = 1; ; i++) {
            Path f = settings.directory().resolve(base + (i == 1 ? "" : "-" + i) + ".ftrec");
            try {
                return Files.createFile(f);
            } catch (FileAlreadyExistsException e) {
                if (i >= 1000) {
                    throw e;
                }
            }
        }
    }

    /**
     * Appends one log entry (call in log order). Never throws: a tap that cannot take the entry (the size bound,
     * an I/O error) stops, and later entries are ignored.
     */
    public synchronized void append(Event e) {
        if (state != State.RECORDING) {
            return;
        }
        if (e instanceof Event.Horizon h) {
            horizon = Math.max(horizon, h.icount());
            return;
        }
        byte[] record = RecordingFile.encodeRecord(e);
        if (bytes + record.length > settings.maxBytes()) {
            stop("the recording reached its size bound of " + settings.maxBytes() + " bytes at icount " + e.icount());
            return;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(record);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException ex) {
            stop("cannot append to " + file + ": " + ex.getMessage());
            return;
        }
        bytes += record.length;
        lastIcount = e.icount();
    }

    /**
     * Appends an entry as a backup received it from its primary: VMM events are recorded, the stream's other
     * entries (the input base) are not. The entry was checked on receipt; one that does not decode stops the tap.
     */
    public void appendShipped(Messages.Entry entry) {
        if (entry.kind() != ShippingEventLog.KIND_VMM_EVENT) {
            return;
        }
        Event e;
        try {
            e = EventCodec.decode(entry.payload());
        } catch (RecordingException ex) {
            synchronized (this) {
                if (state == State.RECORDING) {
                    stop("undecodable entry at icount " + entry.icount() + ": " + ex.getMessage());
                }
            }
            return;
        }
        append(e);
    }

    private void stop(String why) {
        transition(State.STOPPED, why);
        closeChannel();
    }

    /**
     * Writes a self-contained recording of everything recorded so far to {@code out}: the file's header and
     * complete records, then (if the role has executed past the last entry) a horizon entry at the last point it
     * reached, so a replay ends exactly there. Runs concurrently with appends, which it never waits for beyond
     * reading the tap's position.
     *
     * @throws RecordingUnavailableException when there is no recording (see its causes)
     * @throws IOException when the file cannot be read or {@code out} cannot be written
     */
    public RecordingCopy copyTo(OutputStream out) throws IOException, RecordingUnavailableException {
        long n;
        long first;
        long last;
        long h;
        boolean truncated;
        String why;
        FileChannel in;
        synchronized (this) {
            switch (state) {
                case NEW: throw new RecordingUnavailableException("VM " + vmId + ": the recording has not started");
                case OFF: throw new RecordingUnavailableException("VM " + vmId + ": no recording: " + reason);
                case CLOSED: throw new RecordingUnavailableException("VM " + vmId + ": the recording was closed");
                default: break;
            }
            n = bytes;
            first = firstIcount;
            last = lastIcount;
            h = horizon;
            truncated = state == State.STOPPED;
            why = reason;
            in = FileChannel.open(file, StandardOpenOption.READ); // open now: close() may delete the file
        }
        try (FileChannel c = in) {
            byte[] buf = new byte[COPY_BUFFER];
            long at = 0;
            while (at < n) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, n - at));
                int r = c.read(b, at);
                if (r < 0) {
                    throw new IOException(file + " is shorter (" + at + " bytes) than its recorded " + n + " bytes");
                }
                out.write(buf, 0, r);
                at += r;
            }
        }
        if (h > last) {
            byte[] record = RecordingFile.encodeRecord(new Event.Horizon(h));
            out.write(record);
            n += record.length;
            last = h;
        }
        out.flush();
        return new RecordingCopy(n, first, last, truncated, truncated ? why : null);
    }

    public synchronized Status status() {
        return new Status(state, file, bytes, firstIcount, Math.max(lastIcount, horizon), reason);
    }

    public synchronized State state() {
        return state;
    }

    /** Ends the recording and deletes its file (a recording lives as long as its role). */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        closeChannel();
        deleteQuietly(file);
        if (was == State.RECORDING || was == State.STOPPED) {
            LOG.info("VM {} recording: {} -> CLOSED ({} bytes, icount {} to {}; file deleted)", vmId, was, bytes,
                    firstIcount, Math.max(lastIcount, horizon));
        }
    }

    private void transition(State to, String why) {
        State from = state;
        state = to;
        reason = why;
        if (to == State.RECORDING) {
            LOG.info("VM {} recording: {} -> {} ({})", vmId, from, to, why);
        } else {
            LOG.warn("VM {} recording: {} -> {} ({})", vmId, from, to, why);
        }
    }

    private void closeChannel() {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.force(false);
                c.close();
            } catch (IOException e) {
                LOG.warn("VM {}: cannot close recording {}: {}", vmId, file, e.toString());
            }
        }
    }

    private static void deleteQuietly(Path f) {
        if (f != null) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", f, e.toString());
            }
        }
    }
}
