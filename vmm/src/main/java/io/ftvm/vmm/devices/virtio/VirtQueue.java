package io.ftvm.vmm.devices.virtio;

/**
 * One split virtqueue: the guest's descriptor table, available ring and used ring in guest memory, and the device's
 * two cursors (the next available entry to take, the next used entry to fill). {@link #next} walks one descriptor
 * chain into a reusable {@link Chain}; {@link #complete} returns it to the guest.
 *
 * <p>Every address and length is checked against RAM before use; a chain longer than the queue (which includes every
 * descriptor loop) or an indirect descriptor (not offered) is a {@link VirtioException}.
 */
public final class VirtQueue {
    static final int DESC_F_NEXT = 1;
    static final int DESC_F_WRITE = 2;
    static final int DESC_F_INDIRECT = 4;
    private static final int AVAIL_F_NO_INTERRUPT = 1;

    private final int maxSize;
    private final DmaMemory memory;
    private final byte[] scratch = new byte[16];

    int size;
    boolean ready;
    long desc;
    long avail;
    long used;
    int nextAvail;
    int nextUsed;

    /** The segments of one descriptor chain: readable ones first, then writable ones. */
    public static final class Chain {
        int head;
        int count;
        final long[] address;
        final int[] length;
        final boolean[] writable;

        Chain(int max) {
            address = new long[max];
            length = new int[max];
            writable = new boolean[max];
        }

        public int count() {
            return count;
        }

        public long address(int i) {
            return address[i];
        }

        public int length(int i) {
            return length[i];
        }

        public boolean writable(int i) {
            return writable[i];
        }

        /** Total bytes of the readable (or writable) segments. */
        public long total(boolean ofWritable) {
            long n = 0;
            for (int i = 0; i < count; i++) {
                if (writable[i] == ofWritable) {
                    n += length[i];
                }
            }
            return n;
        }
    }

    private final Chain chain;

    VirtQueue(int maxSize, DmaMemory memory) {
        this.maxSize = maxSize;
        this.memory = memory;
        this.chain = new Chain(maxSize);
    }

    int maxSize() {
        return maxSize;
    }

    void reset() {
        size = 0;
        ready = false;
        desc = 0;
        avail = 0;
        used = 0;
        nextAvail = 0;
        nextUsed = 0;
    }

    /** Checks the queue's layout when the driver marks it ready. */
    void validate() throws VirtioException {
        if (size == 0 || size > maxSize || Integer.bitCount(size) != 1) {
            throw new VirtioException("queue size " + size + " is not a power of two between 1 and " + maxSize);
        }
        if ((desc & 15) != 0 || (avail & 1) != 0 || (used & 3) != 0) {
            throw new VirtioException(String.format("misaligned rings: descriptors 0x%x, available 0x%x, used 0x%x",
                    desc, avail, used));
        }
        long[][] regions = {{desc, 16L * size}, {avail, 6L + 2L * size}, {used, 6L + 8L * size}};
        for (long[] r : regions) {
            if (!memory.contains(r[0], r[1])) {
                throw new VirtioException(String.format("a ring at 0x%x (%d bytes) lies outside RAM", r[0], r[1]));
            }
        }
    }

    /** True when the driver has made a chain available that the device has not taken. */
    public boolean hasAvailable() throws VirtioException {
        return ready && nextAvail != availIdx();
    }

    /** Takes the next available chain; call only when {@link #hasAvailable()}. The chain is reused by the next call. */
    public Chain next() throws VirtioException {
        int head = u16(avail + 4 + 2L * (nextAvail & (size - 1)));
        nextAvail = (nextAvail + 1) & 0xffff;
        if (head >= size) {
            throw new VirtioException("available ring names descriptor " + head + " of a " + size + "-entry queue");
        }
        chain.head = head;
        chain.count = 0;
        int i = head;
        boolean sawWritable = false;
        while (true) {
            if (chain.count == size) {
                throw new VirtioException("descriptor chain from " + head + " is longer than the queue (a loop?)");
            }
            long d = desc + 16L * i;
            read(d, 16);
            long address = le64(0);
            int length = le32(8);
            int flags = scratch[12] & 0xff | (scratch[13] & 0xff) << 8;
            int next = scratch[14] & 0xff | (scratch[15] & 0xff) << 8;
            if ((flags & DESC_F_INDIRECT) != 0) {
                throw new VirtioException("descriptor " + i + " is indirect; the feature was not offered");
            }
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && sawWritable) {
                throw new VirtioException("descriptor " + i + " is readable after a writable one");
            }
            sawWritable |= writable;
            long len = Integer.toUnsignedLong(length);
            if (!memory.contains(address, len)) {
                throw new VirtioException(String.format("descriptor %d's buffer [0x%x, +%d) lies outside RAM", i,
                        address, len));
            }
            chain.address[chain.count] = address;
            chain.length[chain.count] = length;
            chain.writable[chain.count] = writable;
            chain.count++;
            if ((flags & DESC_F_NEXT) == 0) {
                return chain;
            }
            if (next >= size) {
                throw new VirtioException("descriptor " + i + " links to " + next + " beyond the queue");
            }
            i = next;
        }
    }

    /** Returns chain {@code head} to the guest with {@code written} bytes written; true if it wants an interrupt. */
    public boolean complete(Chain c, int written) throws VirtioException {
        byte[] e = new byte[8];
        put32(e, 0, c.head);
        put32(e, 4, written);
        write(used + 4 + 8L * (nextUsed & (size - 1)), e, 8);
        nextUsed = (nextUsed + 1) & 0xffff;
        byte[] idx = {(byte) nextUsed, (byte) (nextUsed >>> 8)};
        write(used + 2, idx, 2);
        return (u16(avail) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    private int availIdx() throws VirtioException {
        return u16(avail + 2);
    }

    private int u16(long address) throws VirtioException {
        read(address, 2);
        return scratch[0] & 0xff | (scratch[1] & 0xff) << 8;
    }

    private void read(long address, int n) throws VirtioException {
        if (!memory.read(address, scratch, 0, n)) {
            throw new VirtioException(String.format("queue memory at 0x%x lies outside RAM", address));
        }
    }

    private void write(long address, byte[] b, int n) throws VirtioException {
        if (!memory.write(address, b, 0, n)) {
            throw new VirtioException(String.format("queue memory at 0x%x lies outside RAM", address));
        }
    }

    private long le64(int off) {
        return (le32(off) & 0xffffffffL) | (long) le32(off + 4) << 32;
    }

    private int le32(int off) {
        return scratch[off] & 0xff | (scratch[off + 1] & 0xff) << 8 | (scratch[off + 2] & 0xff) << 16
                | (scratch[off + 3] & 0xff) << 24;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** The queue's registers and cursors, for digests and snapshots. */
    long[] state() {
        return new long[] {size, ready ? 1 : 0, desc, avail, used, nextAvail, nextUsed};
    }

    void restore(long[] s) {
        size = (int) s[0];
        ready = s[1] != 0;
        desc = s[2];
        avail = s[3];
        used = s[4];
        nextAvail = (int) s[5] & 0xffff;
        nextUsed = (int) s[6] & 0xffff;
    }

    static final int STATE_WORDS = 7;
}
