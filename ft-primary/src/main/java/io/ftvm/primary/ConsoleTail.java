package io.ftvm.primary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * The console output a joining backup gets with its snapshot: the last bytes the primary released before the
 * snapshot's instruction, so that the backup's output history does not start at the snapshot. Without it, a client
 * that had not read up to the snapshot's offset when the primary failed would find the new primary without that
 * output ("offset no longer held").
 *
 * <p>Carried as a trailer of the join file (after the snapshot or bundle, inside the transfer's CRC):
 * {@code bytes, start (8), length (4), "FTVMTAIL"}. The backup cuts it off before it reads the snapshot, so the file
 * is then exactly what the snapshot formats expect; a file without the trailer has no tail.
 */
public record ConsoleTail(long start, byte[] bytes) {
    /** The most output a join carries. */
    public static final int MAX_BYTES = 256 << 10;
    private static final byte[] MAGIC = "FTVMTAIL".getBytes(StandardCharsets.US_ASCII);
    private static final int FOOTER = 8 + 4 + 8;

    public ConsoleTail {
        if (start < 0 || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("console tail at " + start + " of " + bytes.length + " bytes");
        }
    }

    /** The offset just past the tail: the snapshot's console offset. */
    public long end() {
        return start + bytes.length;
    }

    /**
     * The last (at most {@link #MAX_BYTES}) bytes {@code history} holds, when they end at {@code consoleOffset} (the
     * snapshot's); empty when output is still held back at the snapshot (nothing contiguous to give).
     */
    public static Optional<ConsoleTail> of(OutputHistory history, long consoleOffset) {
        long end = history.end();
        if (end != consoleOffset) {
            return Optional.empty();
        }
        long from = Math.max(history.start(), end - MAX_BYTES);
        byte[] b = new byte[(int) (end - from)];
        int n = history.read(from, b, 0, b.length);
        return Optional.of(new ConsoleTail(from, n == b.length ? b : Arrays.copyOf(b, n)));
    }

    /** Appends this tail to {@code file} as its trailer. */
    public void appendTo(Path file) throws IOException {
        ByteBuffer footer = ByteBuffer.allocate(bytes.length + FOOTER);
        footer.put(bytes).putLong(start).putInt(bytes.length).put(MAGIC).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (footer.hasRemaining()) {
                ch.write(footer);
            }
        }
    }

    /**
     * Cuts the trailer off {@code file} and returns the tail; empty (the file untouched) when there is none.
     *
     * @throws IOException when the trailer is damaged (its length points outside the file)
     */
    public static Optional<ConsoleTail> detach(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < FOOTER) {
                return Optional.empty();
            }
            ByteBuffer footer = ByteBuffer.allocate(FOOTER);
            read(ch, footer, size - FOOTER);
            footer.flip();
            long start = footer.getLong();
            int length = footer.getInt();
            byte[] magic = new byte[MAGIC.length];
            footer.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                return Optional.empty();
            }
            if (length < 0 || length > MAX_BYTES || start < 0 || length > size - FOOTER) {
                throw new IOException(file + ": damaged console tail (" + length + " bytes at offset " + start
                        + " in a file of " + size + ")");
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            read(ch, body, size - FOOTER - length);
            ch.truncate(size - FOOTER - length);
            return Optional.of(new ConsoleTail(start, body.array()));
        }
    }

    private static void read(FileChannel ch, ByteBuffer into, long at) throws IOException {
        long pos = at;
        while (into.hasRemaining()) {
            int n = ch.read(into, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    /** A history of {@code capacity} bytes holding this tail when it ends at {@code consoleOffset}, else empty there. */
    public OutputHistory historyAt(int capacity, long consoleOffset) {
        if (end() != consoleOffset) {
            return new OutputHistory(capacity, consoleOffset);
        }
        OutputHistory h = new OutputHistory(capacity, start);
        for (int i = 0; i < bytes.length; i++) {
            h.append(start + i, bytes[i]);
        }
        return h;
    }
}
