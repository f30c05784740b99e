package io.ftvm.vmm.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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
 * record  = length u32 | payload (length bytes: an {@link EventCodec} entry) | crc32c(payload) u32
 * </pre>
 *
 * All integers are little-endian. Records are appended and flushed one by one, so a crash can leave only the last
 * record incomplete: {@link #read} detects such a torn tail and cuts it (reporting how many bytes it dropped). A bad
 * record followed by further data is corruption, not a torn tail, and is refused. An unknown major version is refused.
 */
public final class RecordingFile {
    static final byte[] MAGIC = "FTVMREC1".getBytes(StandardCharsets.US_ASCII);
    static final int MAJOR = 1;
    static final int MINOR = 0;
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
        byte[] name = h.imageName().getBytes(StandardCharsets.UTF_8);
        if (name.length > 1000) {
            name = java.util.Arrays.copyOf(name, 1000);
        }
        byte[] image = h.image();
        ByteBuffer body = ByteBuffer.allocate(8 + 8 + 2 + name.length + 4 + image.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        body.putLong(h.ramBytes()).putLong(h.instructionsPerTick()).putShort((short) name.length).put(name)
                .putInt(image.length).put(image);
        ByteBuffer out = ByteBuffer.allocate(8 + 2 + 2 + 4 + body.capacity() + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) MAJOR).putShort((short) MINOR).putInt(body.capacity()).put(body.array())
                .putInt(crc(body.array(), 0, body.capacity()));
        return out.array();
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
        if (b.remaining() < 16) {
            throw new RecordingException(path + ": not an ftvm recording (file too short)");
        }
        byte[] magic = new byte[8];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new RecordingException(path + ": not an ftvm recording (bad magic)");
        }
        int major = b.getShort() & 0xffff;
        int minor = b.getShort() & 0xffff;
        if (major != MAJOR) {
            throw new RecordingException(path + ": recording format version " + major + "." + minor
                    + " is not supported (this ftvm reads version " + MAJOR + ".x)");
        }
        long len = b.getInt() & 0xffffffffL;
        if (len > b.remaining() - 4L || len > MAX_IMAGE + 1024L) {
            throw new RecordingException(path + ": truncated or damaged header (length " + len + ")");
        }
        int bodyAt = b.position();
        b.position(bodyAt + (int) len);
        if (b.getInt() != crc(b.array(), bodyAt, (int) len)) {
            throw new RecordingException(path + ": header checksum mismatch");
        }
        ByteBuffer body = ByteBuffer.wrap(b.array(), bodyAt, (int) len).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long ram = body.getLong();
            long ipt = body.getLong();
            byte[] name = new byte[body.getShort() & 0xffff];
            body.get(name);
            int imageLen = body.getInt();
            if (imageLen < 0 || imageLen != body.remaining()) {
                throw new RecordingException(path + ": header image length " + imageLen + " does not match");
            }
            byte[] image = new byte[imageLen];
            body.get(image);
            return new RecordingHeader(ram, ipt, new String(name, StandardCharsets.UTF_8), image);
        } catch (java.nio.BufferUnderflowException e) {
            throw new RecordingException(path + ": header too short");
        }
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
            byte[] payload = EventCodec.encode(e);
            ByteBuffer rec = ByteBuffer.allocate(4 + payload.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            rec.putInt(payload.length).put(payload).putInt(crc(payload, 0, payload.length)).flip();
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
