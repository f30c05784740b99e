package io.ftvm.vmm.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An incrementally maintained hash of all of RAM: one hash per page, recomputed only for pages written since the
 * last call (drained from the RAM's dirty bitmap), combined into one value. The first call hashes everything.
 */
public final class PageHashes {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Ram ram;
    private final long[] pageHash;
    private long combined;
    private boolean initialized;

    public PageHashes(Ram ram) {
        this.ram = ram;
        this.pageHash = new long[ram.size() >>> Ram.PAGE_SHIFT];
    }

    /** Forgets all page hashes (RAM was replaced wholesale); the next {@link #value()} rehashes everything. */
    public void reset() {
        java.util.Arrays.fill(pageHash, 0L);
        combined = 0;
        initialized = false;
    }

    /** The hash of RAM as it is now. */
    public long value() {
        if (!initialized) {
            for (int p = 0; p < pageHash.length; p++) {
                rehash(p);
            }
            ram.drainDirty(p -> { });
            initialized = true;
        } else {
            ram.drainDirty(this::rehash);
        }
        return Hasher.mix(combined);
    }

    private static final byte[] ZERO_PAGE = new byte[Ram.PAGE_SIZE];
    private static final long ZERO_PAGE_HASH = contentHash(ZERO_PAGE, 0);

    private void rehash(int page) {
        byte[] mem = ram.array();
        int base = page << Ram.PAGE_SHIFT;
        boolean zero = java.util.Arrays.mismatch(mem, base, base + Ram.PAGE_SIZE, ZERO_PAGE, 0, Ram.PAGE_SIZE) < 0;
        long h = zero ? Hasher.mix(ZERO_PAGE_HASH ^ (page * 0x9e3779b97f4a7c15L)) : hashPage(mem, base, page);
        combined += h - pageHash[page];
        pageHash[page] = h;
    }

    /**
     * The hash of the 4 KiB at {@code buffer[base..]} as page {@code index} of something (RAM here, a disk image's
     * blocks elsewhere); a whole is the sum of its pages' hashes, so one page can be replaced incrementally.
     */
    public static long hashPage(byte[] buffer, int base, long index) {
        return Hasher.mix(contentHash(buffer, base) ^ (index * 0x9e3779b97f4a7c15L));
    }

    /** Hash of one page's bytes (independent of where the page is; the index is mixed in by the caller). */
    private static long contentHash(byte[] mem, int base) {
        long h = 0x6a09e667f3bcc908L;
        for (int i = 0; i < Ram.PAGE_SIZE; i += 8) {
            h = Long.rotateLeft((h ^ (long) LONG.get(mem, base + i)) * 0x9e3779b97f4a7c15L, 31);
        }
        return h;
    }
}
