package io.ftvm.vmm.devices.virtio;

import io.ftvm.vmm.memory.PageHashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A disk image file behind a virtio-blk device, with a hash of its whole content kept up to date block by block:
 * one hash per 4 KiB block, computed once when the image is opened and again for each block a write touches. The
 * content hash goes into the machine's digest (so replay checks the disk too) and into snapshots, which name the
 * image and its content hash: a snapshot is only restored against the same bytes.
 *
 * <p>Reads and writes outside the image are refused by the caller ({@link BlockDevice}); a read-only image is opened
 * without write access, so nothing the guest does can change it.
 *
 * <p>An <i>overlay</i> image ({@link #openOverlay}, for the replay debugger) never writes its file: the guest's writes
 * go to memory, 4 KiB block by block (a block written is replaced, never changed in place), so its state is cheap to
 * keep ({@link #overlayState}) and to go back to ({@link #restoreOverlay}).
 */
public final class DiskImage implements AutoCloseable {
    public static final int SECTOR = 512;
    static final int BLOCK = 4096;

    private final Path path;
    private final boolean readOnly;
    private final FileChannel channel;
    private final long size;
    private final long[] blockHash;
    private final byte[] blockBuffer = new byte[BLOCK];
    private long combined;
    /** Overlay images only: the blocks written so far (each array never changes once in the map); else null. */
    private java.util.HashMap<Integer, byte[]> written;

    /** An overlay image's written blocks and content hash at one moment (the arrays are shared, never changed). */
    public record OverlayState(java.util.Map<Integer, byte[]> written, long combined) {
    }

    private DiskImage(Path path, boolean readOnly, FileChannel channel, long size, boolean overlay)
            throws IOException {
        this.path = path;
        this.readOnly = readOnly;
        this.channel = channel;
        this.size = size;
        this.written = overlay ? new java.util.HashMap<>() : null;
        this.blockHash = new long[Math.toIntExact((size + BLOCK - 1) / BLOCK)];
        for (int b = 0; b < blockHash.length; b++) {
            rehash(b);
        }
    }

    /**
     * Opens an image.
     *
     * @throws DiskException naming the file and the problem: missing, a directory, not writable (unless
     *                       {@code readOnly}), empty, or not a whole number of 512-byte sectors
     */
    public static DiskImage open(Path path, boolean readOnly) throws DiskException {
        return open(path, readOnly, false);
    }

    /**
     * Opens an image as an overlay: the file is only read, the guest's writes (allowed unless {@code readOnly}) stay in
     * memory.
     */
    public static DiskImage openOverlay(Path path, boolean readOnly) throws DiskException {
        return open(path, readOnly, true);
    }

    private static DiskImage open(Path path, boolean readOnly, boolean overlay) throws DiskException {
        if (Files.isDirectory(path)) {
            throw new DiskException(path + ": is a directory, not a disk image");
        }
        FileChannel ch;
        try {
            ch = readOnly || overlay ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new DiskException(path + ": no such disk image");
        } catch (AccessDeniedException e) {
            throw new DiskException(path + ": permission denied" + (readOnly ? "" : " (not writable: add ,ro to "
                    + "attach it read-only)"));
        } catch (IOException e) {
            throw new DiskException(path + ": cannot be opened: " + e.getMessage());
        }
        try {
            long size = ch.size();
            if (size == 0 || size % SECTOR != 0) {
                throw new DiskException(path + ": a disk image of " + size + " bytes; it must be a non-empty whole "
                        + "number of 512-byte sectors");
            }
            if (size / BLOCK > Integer.MAX_VALUE - 1) {
                throw new DiskException(path + ": a disk image of " + size + " bytes is too large");
            }
            return new DiskImage(path, readOnly, ch, size, overlay);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new DiskException(path + ": cannot be read: " + e.getMessage());
        } catch (DiskException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    public Path path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Bytes. */
    public long size() {
        return size;
    }

    /** The hash of the image's whole content as it is now. */
    public long contentHash() {
        return combined;
    }

    /** Reads {@code length} bytes at byte {@code offset} into {@code into}; the range is inside the image. */
    void read(long offset, byte[] into, int length) throws IOException {
        if (written != null && !written.isEmpty()) {
            int done = 0;
            while (done < length) {
                long at = offset + done;
                int blk = (int) (at / BLOCK);
                int in = (int) (at % BLOCK);
                int n = Math.min(length - done, BLOCK - in);
                byte[] w = written.get(blk);
                if (w != null) {
                    System.arraycopy(w, in, into, done, n);
                } else {
                    readFile(at, into, done, n);
                }
                done += n;
            }
            return;
        }
        readFile(offset, into, 0, length);
    }

    private void readFile(long offset, byte[] into, int intoOffset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, intoOffset, length);
        while (b.hasRemaining()) {
            int n = channel.read(b, offset + b.position() - intoOffset);
            if (n < 0) {
                throw new IOException("unexpected end of " + path);
            }
        }
    }

    /** Writes {@code length} bytes at byte {@code offset}; the range is inside the image and it is writable. */
    void write(long offset, byte[] from, int length) throws IOException {
        if (written != null) {
            int done = 0;
            while (done < length) {
                long at = offset + done;
                int blk = (int) (at / BLOCK);
                int in = (int) (at % BLOCK);
                int n = Math.min(length - done, BLOCK - in);
                byte[] copy = new byte[BLOCK]; // replaced, not changed: a kept state may share the old block
                read((long) blk * BLOCK, copy, (int) Math.min(BLOCK, size - (long) blk * BLOCK));
                System.arraycopy(from, done, copy, in, n);
                written.put(blk, copy);
                rehash(blk);
                done += n;
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(from, 0, length);
        while (b.hasRemaining()) {
            channel.write(b, offset + b.position());
        }
        for (long blk = offset / BLOCK; blk <= (offset + length - 1) / BLOCK; blk++) {
            rehash((int) blk);
        }
    }

    /**
     * Copies the image's whole content to {@code out} (a consistent copy only while nothing writes the image: the
     * machine is paused).
     */
    public void copyTo(java.nio.channels.WritableByteChannel out) throws IOException {
        if (written != null) { // an overlay: its content is the file with the written blocks over it
            byte[] buf = new byte[BLOCK];
            for (long at = 0; at < size; at += BLOCK) {
                int n = (int) Math.min(BLOCK, size - at);
                read(at, buf, n);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            return;
        }
        long done = 0;
        while (done < size) {
            long n = channel.transferTo(done, size - done, out);
            if (n <= 0) {
                throw new IOException("unexpected end of " + path + " at byte " + done);
            }
            done += n;
        }
    }

    /** An overlay image's state now (see {@link #restoreOverlay}). */
    public OverlayState overlayState() {
        if (written == null) {
            throw new IllegalStateException(path + " is not an overlay image");
        }
        return new OverlayState(new java.util.HashMap<>(written), combined);
    }

    /** Puts an overlay image back in state {@code s}: only the blocks that differ are hashed again. */
    public void restoreOverlay(OverlayState s) throws IOException {
        if (written == null) {
            throw new IllegalStateException(path + " is not an overlay image");
        }
        java.util.Set<Integer> changed = new java.util.HashSet<>();
        for (var e : written.entrySet()) {
            if (s.written().get(e.getKey()) != e.getValue()) {
                changed.add(e.getKey());
            }
        }
        for (var e : s.written().entrySet()) {
            if (written.get(e.getKey()) != e.getValue()) {
                changed.add(e.getKey());
            }
        }
        written = new java.util.HashMap<>(s.written());
        for (int blk : changed) {
            rehash(blk);
        }
        if (combined != s.combined()) {
            throw new IllegalStateException(path + ": the restored overlay does not hash to its recorded content");
        }
    }

    /** Makes written data durable. */
    void flush() throws IOException {
        if (!readOnly && written == null) {
            channel.force(false);
        }
    }

    private void rehash(int blk) throws IOException {
        long start = (long) blk * BLOCK;
        int n = (int) Math.min(BLOCK, size - start);
        java.util.Arrays.fill(blockBuffer, n, BLOCK, (byte) 0);
        read(start, blockBuffer, n);
        long h = PageHashes.hashPage(blockBuffer, 0, blk);
        combined += h - blockHash[blk];
        blockHash[blk] = h;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
