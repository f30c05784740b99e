package io.ftvm.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The backup's store for an incoming snapshot, free of Netty. Chunks are verified (each carries a CRC32C, checked
 * when decoded) and written in order to {@code <id>.partial} in the snapshot directory; when the connection breaks,
 * the partial file stays, and a later offer of the same snapshot resumes at its length. On completion the whole file
 * is checked against the primary's CRC32C, renamed to {@code <id>.snapshot} and handed to the installer. A
 * mismatch discards the partial file: a corrupt snapshot is never installed.
 */
public final class SnapshotReceiver {
    /** Loads an installed snapshot (the backup's VM restores from it). */
    @FunctionalInterface
    public interface Installer {
        void install(Messages.SnapshotOffer offer, Path file) throws IOException;
    }

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Says whether a snapshot may be offered now (null) or why not. */
    @FunctionalInterface
    public interface Admission {
        /** Every offer is admitted. */
        Admission ALWAYS = () -> null;

        String refusal();
    }

    private final Path directory;
    private final Installer installer;
    private final Admission admission;
    private Messages.SnapshotOffer current;
    private FileChannel partial;
    private long received;
    private long bytesWritten;

    public SnapshotReceiver(Path directory, Installer installer) throws IOException {
        this(directory, installer, Admission.ALWAYS);
    }

    /**
     * Stores snapshots in {@code directory}; an offer is refused (the connection closed, nothing stored) while
     * {@code admission} gives a reason.
     */
    public SnapshotReceiver(Path directory, Installer installer, Admission admission) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.installer = installer;
        this.admission = admission;
    }

    /** Why an offer would be refused now, or null. */
    String refusal() {
        return admission.refusal();
    }

    /**
     * A snapshot is offered: returns where to resume (0 for a new one, the bytes already held for the same one).
     *
     * @throws ProtocolException when the id cannot name a file
     */
    synchronized Messages.SnapshotResume offer(Messages.SnapshotOffer o) throws ProtocolException, IOException {
        if (!SAFE_ID.matcher(o.snapshotId()).matches()) {
            throw new ProtocolException("snapshot id '" + o.snapshotId() + "' is not a safe file name");
        }
        if (current != null && !current.equals(o)) {
            discard(); // a different snapshot (or the same id with other contents): start over
        }
        closePartial();
        current = o;
        partial = FileChannel.open(partialPath(o), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long have = partial.size();
        if (have > o.totalBytes()) {
            partial.truncate(0);
            have = 0;
        }
        received = have;
        return new Messages.SnapshotResume(o.snapshotId(), have);
    }

    /** Writes one chunk; it must continue exactly where the file ends. */
    synchronized void chunk(Messages.SnapshotChunk c) throws ProtocolException, IOException {
        if (!c.snapshotId().equals(current.snapshotId())) {
            throw new ProtocolException("chunk of snapshot '" + c.snapshotId() + "' during transfer of '"
                    + current.snapshotId() + "'");
        }
        byte[] data = c.rawData();
        if (c.offset() != received) {
            throw new ProtocolException("snapshot chunk at offset " + c.offset() + ", expected " + received);
        }
        if (data.length == 0 || received + data.length > current.totalBytes()) {
            throw new ProtocolException("snapshot chunk of " + data.length + " bytes at " + c.offset()
                    + " does not fit the offered " + current.totalBytes() + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        long at = received;
        while (buf.hasRemaining()) {
            at += partial.write(buf, at);
        }
        received += data.length;
        bytesWritten += data.length;
    }

    /**
     * Finishes a transfer: checks the length and the whole file's CRC32C, keeps the file as {@code <id>.snapshot}
     * and installs it.
     *
     * @throws ProtocolException when the snapshot is incomplete or corrupt (the partial file is discarded)
     */
    synchronized Path complete(Messages.SnapshotComplete c) throws ProtocolException, IOException {
        Messages.SnapshotOffer o = current;
        if (!c.snapshotId().equals(o.snapshotId())) {
            throw new ProtocolException("completion of snapshot '" + c.snapshotId() + "' during transfer of '"
                    + o.snapshotId() + "'");
        }
        if (received != o.totalBytes()) {
            throw new ProtocolException("snapshot '" + o.snapshotId() + "' completed after " + received + " of "
                    + o.totalBytes() + " bytes");
        }
        int crc = crc32c(partial, o.totalBytes());
        if (crc != c.crc32c()) {
            discard();
            throw new ProtocolException("snapshot '" + o.snapshotId() + "' failed its checksum: discarded");
        }
        closePartial();
        Path done = directory.resolve(o.snapshotId() + ".snapshot");
        Files.move(partialPath(o), done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        current = null;
        received = 0;
        installer.install(o, done);
        return done;
    }

    /** Bytes held of the snapshot being transferred. */
    /** The size of the snapshot being received (0 when none is in transfer). */
    public synchronized long offeredBytes() {
        return current == null ? 0 : current.totalBytes();
    }

    public synchronized long received() {
        return received;
    }

    /** Bytes written by this receiver over its lifetime (resumed transfers do not write the same bytes twice). */
    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    private Path partialPath(Messages.SnapshotOffer o) {
        return directory.resolve(o.snapshotId() + ".partial");
    }

    private void discard() throws IOException {
        closePartial();
        if (current != null) {
            Files.deleteIfExists(partialPath(current));
        }
        current = null;
        received = 0;
    }

    private void closePartial() throws IOException {
        if (partial != null) {
            partial.close();
            partial = null;
        }
    }

    static int crc32c(FileChannel ch, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long at = 0;
        while (at < length) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), length - at));
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("file ends at " + at + " of " + length + " bytes");
            }
            buf.flip();
            crc.update(buf);
            at += n;
        }
        return (int) crc.getValue();
    }
}
