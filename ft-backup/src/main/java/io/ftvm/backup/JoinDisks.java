package io.ftvm.backup;

import io.ftvm.vmm.devices.virtio.DiskImage;
import io.ftvm.vmm.snapshot.SnapshotBundle;
import io.ftvm.vmm.snapshot.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup's copies of its VM's disks: they arrive with the join snapshot (a {@link SnapshotBundle}), wait for the
 * restore, and then are the disks the replayed machine writes. Closed with the backup (or, once it went live, with
 * the shell the new primary runs in).
 */
final class JoinDisks {
    private static final Logger LOG = LoggerFactory.getLogger(JoinDisks.class);

    private final Path dir;
    private List<DiskImage> pending = List.of();
    private volatile List<DiskImage> attached = List.of();

    /** @param dir where the copies are written ({@code disk0.img}, ...) */
    JoinDisks(Path dir) {
        this.dir = dir;
    }

    /**
     * A snapshot arrived as {@code file}: when it is a bundle, splits it (each disk checked against the hash the
     * bundle names, the bundle deleted) and keeps its disks for the restore.
     *
     * @return the plain machine snapshot to restore
     * @throws IOException when the bundle is damaged or cannot be written out
     */
    synchronized Path received(Path file) throws IOException {
        closeAll(pending);
        pending = List.of();
        if (!SnapshotBundle.isBundle(file)) {
            return file;
        }
        Path snap = file.resolveSibling(file.getFileName() + ".machine");
        try {
            pending = SnapshotBundle.split(file, snap, dir).disks();
            return snap;
        } catch (SnapshotException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The disks of the snapshot being restored, now the machine's (an earlier restore's are closed). */
    synchronized List<DiskImage> restore() {
        closeAll(attached);
        attached = pending;
        pending = List.of();
        return attached;
    }

    /** The disk images the machine runs on (empty for a machine without disks). */
    List<DiskImage> attached() {
        return attached;
    }

    synchronized void close() {
        closeAll(pending);
        closeAll(attached);
    }

    private static void closeAll(List<DiskImage> images) {
        for (DiskImage d : images) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.warn("cannot close disk {}: {}", d.path(), e.toString());
            }
        }
    }
}
