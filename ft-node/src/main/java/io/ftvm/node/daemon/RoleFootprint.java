package io.ftvm.node.daemon;

import io.ftvm.node.net.TapNetwork;
import io.ftvm.vmm.devices.virtio.DiskImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one VM's roles hold on this host besides memory: the primary's disk copies (opened here for a fresh boot, or
 * the backup's copies it went live with) and their directory, and a backup's NIC, created when the backup starts and
 * attached when it goes live. Each is released (closed, deleted) when its role ends. Reconcile thread only.
 */
final class RoleFootprint {
    private static final Logger LOG = LoggerFactory.getLogger(RoleFootprint.class);

    private final Path backupRoot;
    private final String vmId;
    private List<DiskImage> primaryDisks = List.of();
    private Path primaryDiskDir;
    private TapNetwork backupNic;

    /** @param backupRoot where backups of this host keep their snapshot and disk copies, per VM and tenure */
    RoleFootprint(Path backupRoot, String vmId) {
        this.backupRoot = backupRoot;
        this.vmId = vmId;
    }

    /** Where the backup of {@code tenure} receives its snapshot and keeps its disk copies. */
    Path backupDir(long tenure) {
        return backupRoot.resolve(vmId + "-" + tenure);
    }

    /** A fresh boot's disk copies, now the primary's. */
    void primaryBooted(List<DiskImage> disks, Path dir) {
        primaryDisks = disks;
        primaryDiskDir = dir;
    }

    /**
     * The backup of {@code tenure} went live: its disk copies (which its shell closes) are the primary's now, and so
     * is its NIC (the new primary closes it).
     */
    void backupWentLive(long tenure) {
        primaryDisks = List.of();
        primaryDiskDir = backupDir(tenure);
        backupNic = null;
    }

    /** The primary role ended here: its disk copies are closed and deleted. */
    void releasePrimary() {
        VmMachines.closeAll(primaryDisks);
        primaryDisks = List.of();
        deleteQuietly(primaryDiskDir);
        primaryDiskDir = null;
    }

    void backupNic(TapNetwork nic) {
        backupNic = nic;
    }

    /** The backup of {@code tenure} ended without going live: its NIC and its copies go. */
    void releaseBackup(long tenure) {
        closeBackupNic();
        deleteQuietly(backupDir(tenure));
    }

    void closeBackupNic() {
        if (backupNic != null) {
            backupNic.close();
            backupNic = null;
        }
    }

    static void deleteQuietly(Path dir) {
        try {
            VmMachines.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
