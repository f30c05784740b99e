package io.ftvm.vmm.replay;

import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The recording header (see {@code docs/recording-format.md}): encoding, strict decoding, and a streaming writer
 * for headers whose start snapshot is too large to copy around in memory.
 *
 * <pre>
 * header    = magic "FTVMREC1" | major u16 = 1 | minor u16 | length u32 | body | crc32c(body) u32
 * body 1.0  = ramBytes u64 | instructionsPerTick u64 | nameLength u16 | name | imageLength u32 | image
 * body 1.1  = body 1.0 | snapshotLength u32 | snapshot (a SnapshotFile)
 * </pre>
 *
 * A boot recording is written as 1.0 (so older readers still read it), one with a start snapshot as 1.1.
 */
final class RecordingHeaderCodec {
    static final int MINOR_BOOT = 0;
    static final int MINOR_SNAPSHOT = 1;
    static final int MAX_NAME = 1000;
    /** magic, major, minor, length. */
    static final int PREFIX = 8 + 2 + 2 + 4;
    /** Bytes of a snapshot's start that hold its configuration: magic, major, minor, ramBytes, ipt. */
    private static final int SNAPSHOT_PREFIX = 8 + 2 + 2 + 8 + 8;

    private RecordingHeaderCodec() {
    }

    static byte[] encode(RecordingHeader h) {
        byte[] name = name(h.imageName());
        byte[] image = h.image();
        byte[] snap = h.startSnapshot();
        boolean withSnapshot = snap.length > 0;
        int bodyLength = 8 + 8 + 2 + name.length + 4 + image.length + (withSnapshot ? 4 + snap.length : 0);
        ByteBuffer out = ByteBuffer.allocate(PREFIX + bodyLength + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put(RecordingFile.MAGIC).putShort((short) RecordingFile.MAJOR)
                .putShort((short) (withSnapshot ? MINOR_SNAPSHOT : MINOR_BOOT)).putInt(bodyLength);
        out.putLong(h.ramBytes()).putLong(h.instructionsPerTick()).putShort((short) name.length).put(name)
                .putInt(image.length).put(image);
        if (withSnapshot) {
            out.putInt(snap.length).put(snap);
        }
        out.putInt(RecordingFile.crc(out.array(), PREFIX, bodyLength));
        return out.array();
    }

    private static byte[] name(String imageName) {
        byte[] name = imageName.getBytes(StandardCharsets.UTF_8);
        return name.length > MAX_NAME ? Arrays.copyOf(name, MAX_NAME) : name;
    }

    /**
     * Writes a 1.1 header whose start snapshot ({@code length} bytes) is copied from {@code snapshot} as it is
     * read, checking it on the way (magic, version, configuration, checksum). Returns the bytes written.
     *
     * @throws SnapshotException when the snapshot is damaged (what was written is then useless)
     */
    static long writeSnapshotHeader(WritableByteChannel out, String imageName, InputStream snapshot, long length)
            throws IOException, SnapshotException {
        if (length < SNAPSHOT_PREFIX + 4 || length > RecordingFile.MAX_FILE) {
            throw new SnapshotException("snapshot of " + length + " bytes cannot start a recording");
        }
        byte[] first = snapshot.readNBytes(SNAPSHOT_PREFIX);
        if (first.length < SNAPSHOT_PREFIX) {
            throw new SnapshotException("truncated snapshot");
        }
        MachineConfig config = configOf(first);
        byte[] name = name(imageName);
        int bodyLength = Math.toIntExact(8 + 8 + 2 + name.length + 4 + 4 + length);
        ByteBuffer head = ByteBuffer.allocate(PREFIX + bodyLength - (int) length).order(ByteOrder.LITTLE_ENDIAN);
        head.put(RecordingFile.MAGIC).putShort((short) RecordingFile.MAJOR).putShort((short) MINOR_SNAPSHOT)
                .putInt(bodyLength);
        head.putLong(config.ramBytes()).putLong(config.instructionsPerTick()).putShort((short) name.length).put(name)
                .putInt(0).putInt((int) length);
        CRC32C bodyCrc = new CRC32C();
        bodyCrc.update(head.array(), PREFIX, head.capacity() - PREFIX);
        writeFully(out, head.flip());
        CRC32C snapCrc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        System.arraycopy(first, 0, buf, 0, first.length);
        long copied = 0;
        int n = first.length;
        byte[] trailer = new byte[4];
        while (true) {
            // Everything but the snapshot's last 4 bytes (its checksum) goes into the snapshot's own CRC.
            long crcUpTo = length - 4;
            int crcPart = (int) Math.max(0, Math.min(n, crcUpTo - copied));
            snapCrc.update(buf, 0, crcPart);
            for (int i = crcPart; i < n; i++) {
                trailer[(int) (copied + i - crcUpTo)] = buf[i];
            }
            bodyCrc.update(buf, 0, n);
            writeFully(out, ByteBuffer.wrap(buf, 0, n));
            copied += n;
            if (copied == length) {
                break;
            }
            n = snapshot.readNBytes(buf, 0, (int) Math.min(buf.length, length - copied));
            if (n == 0) {
                throw new SnapshotException("truncated snapshot (" + copied + " of " + length + " bytes)");
            }
        }
        if ((int) snapCrc.getValue() != ByteBuffer.wrap(trailer).getInt()) {
            throw new SnapshotException("checksum mismatch: the snapshot is damaged");
        }
        ByteBuffer crc = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) bodyCrc.getValue());
        writeFully(out, crc.flip());
        return PREFIX + (long) bodyLength + 4;
    }

    private static MachineConfig configOf(byte[] prefix) throws SnapshotException {
        ByteBuffer b = ByteBuffer.wrap(prefix);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!Arrays.equals(magic, "FTVMSNAP".getBytes(StandardCharsets.US_ASCII))) {
            throw new SnapshotException("not an ftvm snapshot (bad magic)");
        }
        b.getInt(); // version: checked by SnapshotFile when restoring (and by the checksum here)
        try {
            return new MachineConfig(b.getLong(), b.getLong());
        } catch (IllegalArgumentException e) {
            throw new SnapshotException("invalid machine configuration: " + e.getMessage());
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Reads and checks the header at {@code b}'s position, leaving it after the header. */
    static RecordingHeader read(String where, ByteBuffer b) throws RecordingException {
        if (b.remaining() < PREFIX) {
            throw new RecordingException(where + ": not an ftvm recording (file too short)");
        }
        byte[] magic = new byte[8];
        b.get(magic);
        if (!Arrays.equals(magic, RecordingFile.MAGIC)) {
            throw new RecordingException(where + ": not an ftvm recording (bad magic)");
        }
        int major = b.getShort() & 0xffff;
        int minor = b.getShort() & 0xffff;
        if (major != RecordingFile.MAJOR) {
            throw new RecordingException(where + ": recording format version " + major + "." + minor
                    + " is not supported (this ftvm reads version " + RecordingFile.MAJOR + ".x)");
        }
        long len = b.getInt() & 0xffffffffL;
        if (len > b.remaining() - 4L || len > RecordingFile.MAX_FILE) {
            throw new RecordingException(where + ": truncated or damaged header (length " + len + ")");
        }
        int bodyAt = b.position();
        b.position(bodyAt + (int) len);
        if (b.getInt() != RecordingFile.crc(b.array(), bodyAt, (int) len)) {
            throw new RecordingException(where + ": header checksum mismatch");
        }
        ByteBuffer body = ByteBuffer.wrap(b.array(), bodyAt, (int) len).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long ram = body.getLong();
            long ipt = body.getLong();
            byte[] name = new byte[body.getShort() & 0xffff];
            body.get(name);
            int imageLen = body.getInt();
            int rest = minor == MINOR_BOOT ? body.remaining() : body.remaining() - 4;
            if (imageLen < 0 || imageLen > RecordingFile.MAX_IMAGE || imageLen > rest
                    || minor == MINOR_BOOT && imageLen != rest) {
                throw new RecordingException(where + ": header image length " + imageLen + " does not match");
            }
            byte[] image = new byte[imageLen];
            body.get(image);
            byte[] snapshot = null;
            if (minor >= MINOR_SNAPSHOT) {
                int snapLen = body.getInt();
                // A later minor version may add fields after the snapshot: they are covered by the checksum and
                // ignored here.
                if (snapLen < 0 || snapLen > body.remaining() || minor == MINOR_SNAPSHOT && snapLen != body.remaining()) {
                    throw new RecordingException(where + ": header snapshot length " + snapLen
                            + " does not match the " + body.remaining() + " bytes left in the header");
                }
                snapshot = new byte[snapLen];
                body.get(snapshot);
                if (snapLen > 0) {
                    checkSnapshot(where, snapshot, ram, ipt);
                }
            }
            return new RecordingHeader(ram, ipt, new String(name, StandardCharsets.UTF_8), image, snapshot);
        } catch (BufferUnderflowException e) {
            throw new RecordingException(where + ": header too short");
        }
    }

    private static void checkSnapshot(String where, byte[] snapshot, long ram, long ipt) throws RecordingException {
        MachineConfig c;
        try {
            c = SnapshotFile.check(snapshot);
        } catch (SnapshotException e) {
            throw new RecordingException(where + ": the start snapshot is unusable: " + e.getMessage());
        }
        if (c.ramBytes() != ram || c.instructionsPerTick() != ipt) {
            throw new RecordingException(where + ": the start snapshot's machine (" + c.ramBytes() + " bytes of RAM, "
                    + c.instructionsPerTick() + " instructions per tick) differs from the header's (" + ram + ", "
                    + ipt + ")");
        }
    }
}
