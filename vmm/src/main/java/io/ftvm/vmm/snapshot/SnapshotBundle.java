package io.ftvm.vmm.snapshot;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.devices.virtio.DiskException;
import io.ftvm.vmm.devices.virtio.DiskImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A machine with its disks, as one file: what a primary sends a joining backup when the VM has virtio disks (the
 * {@link SnapshotFile snapshot} names its disks only by content hash; the bundle carries their bytes).
 *
 * <pre>
 * bundle = magic "FTVMDSKB" | version u16 = 1 | n u8 | per disk: flags u8 (1 read-only) | size u64 | content hash u64
 *          | disk 0 bytes | ... | disk n-1 bytes | snapshot (to the end of the file)
 * </pre>
 *
 * Splitting checks every disk's copy against the content hash the header names (and the snapshot, when restored,
 * against its own checksum and the disks' hashes again): a damaged or truncated bundle restores nothing.
 */
public final class SnapshotBundle {
    private static final byte[] MAGIC = "FTVMDSKB".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int COPY = 1 << 20;

    private SnapshotBundle() {
    }

    /** One disk in a bundle, as its header describes it. */
    public record DiskEntry(boolean readOnly, long size, long contentHash) {
    }

    /** A split bundle: the machine's snapshot file and its disks' copies, opened in configuration order. */
    public record Split(Path snapshot, List<DiskImage> disks) {
    }

    /** True when {@code file} starts like a bundle (a plain snapshot does not). */
    public static boolean isBundle(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        }
    }

    /**
     * Writes {@code m} and its disks to {@code file} (created or replaced). Call it while the machine is paused: the
     * disks are copied as they are now.
     */
    public static void write(Machine m, Path file) throws IOException {
        List<DiskImage> disks = m.attachments().disks();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = Channels.newOutputStream(ch);
            DataOutputStream head = new DataOutputStream(raw);
            head.write(MAGIC);
            head.writeShort(VERSION);
            head.writeByte(disks.size());
            for (DiskImage d : disks) {
                head.writeByte(d.readOnly() ? 1 : 0);
                head.writeLong(d.size());
                head.writeLong(d.contentHash());
            }
            head.flush();
            for (DiskImage d : disks) {
                d.copyTo(ch);
            }
            OutputStream tail = new java.io.BufferedOutputStream(raw, COPY);
            SnapshotFile.write(m, tail);
            tail.flush();
        }
    }

    /**
     * Splits {@code bundle}: each disk to {@code diskDir/disk<i>.img} (replacing what is there), the snapshot to
     * {@code snapshot}; opens the disks (read-only ones read-only) and checks each against its content hash.
     *
     * @throws SnapshotException when the bundle is not one, is truncated, or a disk's copy does not hash as named
     */
    public static Split split(Path bundle, Path snapshot, Path diskDir) throws SnapshotException, IOException {
        Files.createDirectories(diskDir);
        List<DiskImage> opened = new ArrayList<>();
        boolean ok = false;
        try (InputStream raw = Files.newInputStream(bundle)) {
            DataInputStream in = new DataInputStream(raw);
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new SnapshotException(bundle + ": not a snapshot bundle (bad magic)");
            }
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new SnapshotException(bundle + ": snapshot bundle version " + version + " is not supported "
                        + "(this ftvm reads version " + VERSION + ")");
            }
            int n = in.readUnsignedByte();
            List<DiskEntry> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int flags = in.readUnsignedByte();
                long size = in.readLong();
                long hash = in.readLong();
                if ((flags & ~1) != 0 || size <= 0 || size % DiskImage.SECTOR != 0) {
                    throw new SnapshotException(bundle + ": disk " + i + " has flags " + flags + " and size " + size
                            + ": not a disk");
                }
                entries.add(new DiskEntry((flags & 1) != 0, size, hash));
            }
            byte[] buf = new byte[COPY];
            for (int i = 0; i < n; i++) {
                DiskEntry e = entries.get(i);
                Path target = diskDir.resolve("disk" + i + ".img");
                Path tmp = diskDir.resolve("disk" + i + ".img.part");
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    copy(in, out, e.size(), buf, bundle, i);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                DiskImage d;
                try {
                    d = DiskImage.open(target, e.readOnly());
                } catch (DiskException ex) {
                    throw new SnapshotException(bundle + ": disk " + i + ": " + ex.getMessage());
                }
                opened.add(d);
                if (d.contentHash() != e.contentHash()) {
                    throw new SnapshotException(bundle + ": disk " + i + "'s copy does not have the content hash the "
                            + "bundle names: the bundle is damaged");
                }
            }
            try (OutputStream out = Files.newOutputStream(snapshot)) {
                in.transferTo(out);
            }
            ok = true;
            return new Split(snapshot, opened);
        } catch (EOFException e) {
            throw new SnapshotException(bundle + ": truncated snapshot bundle");
        } finally {
            if (!ok) {
                for (DiskImage d : opened) {
                    d.close();
                }
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long length, byte[] buf, Path bundle, int disk)
            throws IOException, SnapshotException {
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new SnapshotException(bundle + ": truncated snapshot bundle (disk " + disk + " ends "
                        + left + " bytes early)");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }
}
