package io.ftvm.vmm.replay;

import io.ftvm.vmm.snapshot.SnapshotException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk recording format (documented in {@code docs/recording-format.md}).
 *
 * <pre>
 * file    = header record*
 * header  = magic "FTVMREC1" (8) | major u16 = 1 | minor u16 | length u32 | body (length bytes) | crc32c(body) u32
 * body    = ramBytes u64 | instructionsPerTick u64 | nameLength u16 | name (UTF-8) | imageLength u32 | image
 *           [minor &ge; 1: snapshotLength u32 | start snapshot]
 * record  = length u32 | payload (length bytes: an {@link EventCodec} entry) | crc32c(payload) u32
 * </pre>
 *
 * All integers are little-endian. Records are appended and flushed one by one, so a crash can leave only the last
 * record incomplete: {@link #read} detects such a torn tail and cuts it (reporting how many bytes it dropped). A bad
 * record followed by further data is corruption, not a torn tail, and is refused. An unknown major version is refused.
 * A recording starts from a boot (the image) or, since 1.1, from a start snapshot whose checksum and configuration
 * are checked when the header is read ({@link RecordingHeaderCodec}).
 */
public final class RecordingFile {
    static final byte[] MAGIC = "FTVMREC1".getBytes(StandardCharsets.US_ASCII);
    static final int MAJOR = 1;
    static final int MAX_RECORD = 1 + 8 + 4 + EventCodec.MAX_INPUT;
    static final int MAX_IMAGE = 64 << 20;
    /** Largest recording {@link #read} accepts (it reads the file into memory). */
    static final long MAX_FILE = 1L << 30;

    private RecordingFile() {
    }

    /** A recording read back: header, entries, and how many bytes of torn tail were cut (0 if none). */
    public record Contents(RecordingHeader header, List<Event> events, long tornTailBytes) {
    }

    /** Creates (or replaces) a recording file and returns a log appending to it. */
    public static Writer create(Path path, RecordingHeader header) throws RecordingException {
        if (header.image().length > MAX_IMAGE) {
            throw new RecordingException(path + ": the image (" + header.image().length
                    + " bytes) is larger than a recording can hold (" + MAX_IMAGE + " bytes)");
        }
        if (header.startSnapshot().length > MAX_FILE / 2) {
            throw new RecordingException(path + ": the start snapshot (" + header.startSnapshot().length
                    + " bytes) is larger than a recording can hold (" + MAX_FILE / 2 + " bytes)");
        }
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            ch.write(ByteBuffer.wrap(encodeHeader(header)));
            return new Writer(path, ch);
        } catch (IOException e) {
            throw new RecordingException(path + ": cannot create recording: " + e.getMessage(), e);
        }
    }

    static byte[] encodeHeader(RecordingHeader h) {
        return RecordingHeaderCodec.encode(h);
    }

    /**
     * Writes a header (format 1.1) whose start snapshot, a {@link io.ftvm.vmm.snapshot.SnapshotFile} of
     * {@code length} bytes, is streamed from {@code snapshot} and checked on the way (magic, configuration,
     * checksum), so a large snapshot is never held in memory. Returns the bytes written; records follow.
     *
     * @throws SnapshotException when the snapshot is damaged or truncated (what was written must be discarded)
     */
    public static long writeSnapshotHeader(WritableByteChannel out, String name, InputStream snapshot, long length)
            throws IOException, SnapshotException {
        return RecordingHeaderCodec.writeSnapshotHeader(out, name, snapshot, length);
    }

    /** One complete record for {@code e} (length, payload, checksum), as the file holds it. */
    public static byte[] encodeRecord(Event e) {
        byte[] payload = EventCodec.encode(e);
        ByteBuffer rec = ByteBuffer.allocate(4 + payload.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt(payload.length).put(payload).putInt(crc(payload, 0, payload.length));
        return rec.array();
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Reads a whole recording; a torn tail is cut and reported, anything else wrong is refused. */
    public static Contents read(Path path) throws RecordingException {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE) {
                throw new RecordingException(path + ": recording of " + size + " bytes is larger than this ftvm "
                        + "reads (" + MAX_FILE + " bytes)");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new RecordingException(path + ": no such file");
        } catch (IOException e) {
            throw new RecordingException(path + ": cannot be read: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        RecordingHeader header = readHeader(path, b);
        List<Event> events = new ArrayList<>();
        long last = 0;
        while (b.hasRemaining()) {
            int start = b.position();
            if (b.remaining() < 4) {
                return new Contents(header, events, b.remaining());
            }
            int len = b.getInt();
            if (len <= 0 || len > MAX_RECORD) {
                if (allZero(bytes, start)) {
                    return new Contents(header, events, bytes.length - start); // zero-filled tail after a crash
                }
                throw corrupt(path, start, "record length " + len + " out of range");
            }
            if (b.remaining() < len + 4) {
                return new Contents(header, events, bytes.length - start);
            }
            int payloadAt = b.position();
            b.position(payloadAt + len);
            int stored = b.getInt();
            if (stored != crc(bytes, payloadAt, len)) {
                if (!b.hasRemaining()) {
                    return new Contents(header, events, bytes.length - start);
                }
                throw corrupt(path, start, "checksum mismatch");
            }
            byte[] payload = java.util.Arrays.copyOfRange(bytes, payloadAt, payloadAt + len);
            Event e;
            try {
                e = EventCodec.decode(payload);
            } catch (RecordingException ex) {
                throw corrupt(path, start, ex.getMessage());
            }
            if (e.icount() < last) {
                throw corrupt(path, start, "entry at icount " + e.icount() + " after one at " + last);
            }
            last = e.icount();
            events.add(e);
        }
        return new Contents(header, events, 0);
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static RecordingException corrupt(Path path, int offset, String problem) {
        return new RecordingException(path + ": corrupted record at byte " + offset + ": " + problem);
    }

    private static RecordingHeader readHeader(Path path, ByteBuffer b) throws RecordingException {
        return RecordingHeaderCodec.read(path.toString(), b);
    }

    /** Appends entries to a recording file; each is flushed to the OS as it is written. */
    public static final class Writer implements EventLog {
        private final Path path;
        private final FileChannel channel;
        private final MemoryEventLog mirror = new MemoryEventLog();

        Writer(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public void append(Event e) throws RecordingException {
            ByteBuffer rec = ByteBuffer.wrap(encodeRecord(e));
            try {
                while (rec.hasRemaining()) {
                    channel.write(rec);
                }
            } catch (IOException ex) {
                throw new RecordingException(path + ": cannot append to recording: " + ex.getMessage(), ex);
            }
            mirror.append(e); // only what is in the file is visible to readers
        }

        @Override
        public long size() {
            return mirror.size();
        }

        @Override
        public Event await(long index, long timeoutNanos) throws InterruptedException {
            return mirror.await(index, timeoutNanos);
        }

        @Override
        public boolean isClosed() {
            return mirror.isClosed();
        }

        @Override
        public void close() throws RecordingException {
            mirror.close();
            try {
                channel.force(false);
                channel.close();
            } catch (IOException e) {
                throw new RecordingException(path + ": cannot close recording: " + e.getMessage(), e);
            }
        }
    }
}
