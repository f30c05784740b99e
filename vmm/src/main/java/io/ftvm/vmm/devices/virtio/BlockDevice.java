package io.ftvm.vmm.devices.virtio;

import io.ftvm.vmm.memory.Hasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * virtio-blk over a {@link DiskImage}: read, write, flush and get-id requests, the capacity from the image's size,
 * {@code VIRTIO_BLK_F_RO} for a read-only image. A request outside the disk, a write to a read-only disk or a host
 * I/O error completes with {@code VIRTIO_BLK_S_IOERR}; an unknown request type with {@code VIRTIO_BLK_S_UNSUPP}; a
 * request without room for its status byte or with a short header puts the device into {@code DEVICE_NEEDS_RESET}.
 * Nothing is ever written outside the image.
 */
public final class BlockDevice implements VirtioDevice {
    public static final int DEVICE_ID = 2;
    static final long F_SEG_MAX = 1L << 2;
    static final long F_RO = 1L << 5;
    static final long F_FLUSH = 1L << 9;
    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int S_OK = 0;
    static final int S_IOERR = 1;
    static final int S_UNSUPP = 2;
    static final int QUEUE_SIZE = 128;
    static final int ID_BYTES = 20;

    private final DiskImage disk;
    private final DmaMemory memory;
    private final byte[] config = new byte[16];
    private final byte[] header = new byte[16];
    private final byte[] buffer = new byte[1 << 16];
    private final byte[] id;
    private String lastError;

    public BlockDevice(DiskImage disk, DmaMemory memory, String serial) {
        this.disk = disk;
        this.memory = memory;
        long sectors = disk.size() / DiskImage.SECTOR;
        for (int i = 0; i < 8; i++) {
            config[i] = (byte) (sectors >>> (8 * i));
        }
        VirtQueue.put32(config, 12, QUEUE_SIZE - 2); // seg_max
        byte[] s = serial.getBytes(StandardCharsets.US_ASCII);
        this.id = java.util.Arrays.copyOf(s, Math.min(s.length, ID_BYTES));
    }

    public DiskImage disk() {
        return disk;
    }

    /** The last host I/O error a request met (null if none), for operators. */
    public String lastError() {
        return lastError;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return F_SEG_MAX | F_FLUSH | (disk.readOnly() ? F_RO : 0);
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int o = offset + i;
            v |= (o >= 0 && o < config.length ? config[o] & 0xffL : 0) << (8 * i);
        }
        return v;
    }

    @Override
    public boolean process(int index, VirtQueue queue) throws VirtioException {
        boolean interrupt = false;
        while (queue.hasAvailable()) {
            VirtQueue.Chain c = queue.next();
            interrupt |= queue.complete(c, serve(c));
        }
        return interrupt;
    }

    /** Serves one request; returns the bytes written into the chain (data and the status byte). */
    private int serve(VirtQueue.Chain c) throws VirtioException {
        long readable = c.total(false);
        long writable = c.total(true);
        if (readable < header.length) {
            throw new VirtioException("block request with a " + readable + "-byte header (16 expected)");
        }
        if (writable < 1) {
            throw new VirtioException("block request without a writable status byte");
        }
        copyFromGuest(c, 0, header, header.length);
        int type = le32(header, 0);
        long sector = le32(header, 8) & 0xffffffffL | (long) le32(header, 12) << 32;
        long dataIn = writable - 1;
        int status;
        int written = 0;
        switch (type) {
            case T_IN:
                status = transfer(c, sector, dataIn, true);
                written = status == S_OK ? (int) dataIn : 0;
                break;
            case T_OUT:
                status = disk.readOnly() ? S_IOERR : transfer(c, sector, readable - header.length, false);
                break;
            case T_FLUSH:
                status = S_OK;
                try {
                    disk.flush();
                } catch (IOException e) {
                    lastError = disk.path() + ": flush failed: " + e.getMessage();
                    status = S_IOERR;
                }
                break;
            case T_GET_ID: {
                int n = (int) Math.min(dataIn, ID_BYTES);
                byte[] idBytes = java.util.Arrays.copyOf(id, n);
                copyToGuest(c, 0, idBytes, n);
                written = n;
                status = S_OK;
                break;
            }
            default:
                status = S_UNSUPP;
                break;
        }
        copyToGuest(c, dataIn, new byte[] {(byte) status}, 1);
        return written + 1;
    }

    /** Moves {@code length} bytes between the disk at {@code sector} and the chain's data; returns a status. */
    private int transfer(VirtQueue.Chain c, long sector, long length, boolean toGuest) throws VirtioException {
        if (length % DiskImage.SECTOR != 0 || sector < 0 || sector > disk.size() / DiskImage.SECTOR
                || length > disk.size() - sector * DiskImage.SECTOR) {
            return S_IOERR;
        }
        long at = sector * DiskImage.SECTOR;
        try {
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buffer.length, length - done);
                if (toGuest) {
                    disk.read(at + done, buffer, n);
                    copyToGuest(c, done, buffer, n);
                } else {
                    copyFromGuest(c, header.length + done, buffer, n);
                    disk.write(at + done, buffer, n);
                }
                done += n;
            }
            return S_OK;
        } catch (IOException e) {
            lastError = disk.path() + ": " + (toGuest ? "read" : "write") + " at byte " + at + " failed: "
                    + e.getMessage();
            return S_IOERR;
        }
    }

    /** Copies from the chain's readable bytes, starting {@code skip} bytes in. */
    private void copyFromGuest(VirtQueue.Chain c, long skip, byte[] into, int length) throws VirtioException {
        copy(c, false, skip, into, length);
    }

    /** Copies into the chain's writable bytes, starting {@code skip} bytes in. */
    private void copyToGuest(VirtQueue.Chain c, long skip, byte[] from, int length) throws VirtioException {
        copy(c, true, skip, from, length);
    }

    private void copy(VirtQueue.Chain c, boolean toGuest, long skip, byte[] data, int length)
            throws VirtioException {
        int done = 0;
        for (int i = 0; i < c.count() && done < length; i++) {
            if (c.writable(i) != toGuest) {
                continue;
            }
            long segLength = Integer.toUnsignedLong(c.length(i));
            if (skip >= segLength) {
                skip -= segLength;
                continue;
            }
            int n = (int) Math.min(segLength - skip, length - done);
            long address = c.address(i) + skip;
            boolean ok = toGuest ? memory.write(address, data, done, n) : memory.read(address, data, done, n);
            if (!ok) {
                throw new VirtioException(String.format("buffer at 0x%x lies outside RAM", address));
            }
            done += n;
            skip = 0;
        }
    }

    private static int le32(byte[] b, int off) {
        return b[off] & 0xff | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    @Override
    public void hashState(Hasher h) {
        h.put(disk.contentHash());
    }
}
