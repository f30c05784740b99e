package io.ftvm.vmm.cpu;

import io.ftvm.vmm.memory.Ram;

/**
 * Decoded instructions per physical RAM page: one {@code long} slot per halfword, 0 meaning "not decoded yet".
 * Pages get a slot array the first time code runs from them. Every store to RAM clears the slots of the
 * instructions it may overlap, so self-modifying code and reloaded programs are always re-decoded (which is also
 * why FENCE.I needs no work). Instructions that cross a page boundary are never cached.
 */
final class DecodeCache {
    static final int SLOTS = Ram.PAGE_SIZE / 2;

    private final long[][] pages;

    DecodeCache(int ramSize) {
        pages = new long[ramSize >>> Ram.PAGE_SHIFT][];
    }

    /** The per-page slot arrays (null where no code has run), for the CPU's store fast path. */
    long[][] pages() {
        return pages;
    }

    /** The slot array of a RAM page, created on first use. */
    long[] page(int ramPage) {
        long[] p = pages[ramPage];
        if (p == null) {
            p = new long[SLOTS];
            pages[ramPage] = p;
        }
        return p;
    }

    /** Forgets decoded instructions overlapping the written bytes {@code [off, off + size)} (RAM offsets). */
    void invalidate(int off, int size) {
        long[] p = pages[off >>> Ram.PAGE_SHIFT];
        int o = off & (Ram.PAGE_SIZE - 1);
        if (p != null) {
            int from = Math.max(0, (o - 2) >> 1);
            int to = Math.min(SLOTS - 1, (o + size - 1) >> 1);
            for (int s = from; s <= to; s++) {
                p[s] = 0;
            }
        }
        if (o + size > Ram.PAGE_SIZE) {
            int next = (off >>> Ram.PAGE_SHIFT) + 1;
            if (next < pages.length && pages[next] != null) {
                long[] q = pages[next];
                for (int s = 0; s <= ((o + size - 1 - Ram.PAGE_SIZE) >> 1); s++) {
                    q[s] = 0;
                }
            }
        }
    }

    /** Forgets everything (after a snapshot restore or a bulk load). */
    void clear() {
        for (long[] p : pages) {
            if (p != null) {
                java.util.Arrays.fill(p, 0L);
            }
        }
    }
}
