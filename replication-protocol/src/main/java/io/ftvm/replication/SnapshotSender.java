package io.ftvm.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads an {@link OutgoingSnapshot} as checksummed chunks from the offset the backup asked to resume at, free of
 * Netty (the connection decides when to send the next one).
 */
final class SnapshotSender implements AutoCloseable {
    /** Bytes per chunk. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final OutgoingSnapshot snapshot;
    private final FileChannel file;
    private final long resumedAt;
    private long offset;

    /**
     * Opens the snapshot at {@code resume}.
     *
     * @throws ProtocolException when the backup's resume point does not fit the snapshot
     */
    SnapshotSender(OutgoingSnapshot snapshot, Messages.SnapshotResume resume) throws ProtocolException, IOException {
        if (!resume.snapshotId().equals(snapshot.id())) {
            throw new ProtocolException("backup resumes snapshot '" + resume.snapshotId() + "', offered '"
                    + snapshot.id() + "'");
        }
        if (resume.offset() > snapshot.size()) {
            throw new ProtocolException("backup resumes snapshot '" + snapshot.id() + "' at " + resume.offset()
                    + ", beyond its " + snapshot.size() + " bytes");
        }
        this.snapshot = snapshot;
        this.file = FileChannel.open(snapshot.file(), StandardOpenOption.READ);
        if (file.size() != snapshot.size()) {
            file.close();
            throw new IOException("snapshot file " + snapshot.file() + " changed size: " + file.size() + " bytes, "
                    + "offered " + snapshot.size());
        }
        this.resumedAt = resume.offset();
        this.offset = resume.offset();
    }

    boolean done() {
        return offset >= snapshot.size();
    }

    /** The next chunk (call only while not {@link #done()}). */
    Messages.SnapshotChunk next() throws IOException {
        int n = (int) Math.min(CHUNK_BYTES, snapshot.size() - offset);
        byte[] data = new byte[n];
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            if (file.read(buf, offset + buf.position()) < 0) {
                throw new IOException("snapshot file " + snapshot.file() + " ends early at " + offset);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(data);
        Messages.SnapshotChunk c = new Messages.SnapshotChunk(snapshot.id(), offset, data, (int) crc.getValue());
        offset += n;
        return c;
    }

    Messages.SnapshotComplete completion() {
        return new Messages.SnapshotComplete(snapshot.id(), snapshot.crc32c());
    }

    /** Where the backup resumed (0 for a transfer from the start). */
    long resumedAt() {
        return resumedAt;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
