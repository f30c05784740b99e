package io.ftvm.vmm.cpu;

import io.ftvm.vmm.memory.Ram;
import java.util.Arrays;

/**
 * Decoded and translated code per physical RAM page. Each page that code ran from has one decode slot per halfword
 * ({@code long}, 0 = not decoded yet), one translated-block slot per halfword (a {@link Block} starting there) and a
 * heat counter per halfword (executions of a block head, to decide when to translate).
 *
 * <p>Every store to RAM calls {@link #invalidate}, which clears the decoded slots and drops the blocks that overlap
 * the written bytes, so self-modifying code is always re-decoded (and FENCE.I needs no work). Instructions that
 * cross a page boundary are never cached, and blocks never cross a page.
 */
final class DecodeCache {
    static final int SLOTS = Ram.PAGE_SIZE / 2;
    /** The largest number of bytes a translated block may cover; bounds the search on invalidation. */
    static final int MAX_BLOCK_SPAN = 128;

    private final long[][] pages;
    private final Block[][] blocks;
    private final int[][] heat;

    DecodeCache(int ramSize) {
        int n = ramSize >>> Ram.PAGE_SHIFT;
        pages = new long[n][];
        blocks = new Block[n][];
        heat = new int[n][];
    }

    /** The per-page slot arrays (null where no code has run), for the store fast path. */
    long[][] pages() {
        return pages;
    }

    /** The decode slots of a RAM page; creating them also creates its block and heat arrays. */
    long[] page(int ramPage) {
        long[] p = pages[ramPage];
        if (p == null) {
            p = new long[SLOTS];
            blocks[ramPage] = new Block[SLOTS];
            heat[ramPage] = new int[SLOTS];
            pages[ramPage] = p;
        }
        return p;
    }

    Block[] blocks(int ramPage) {
        page(ramPage);
        return blocks[ramPage];
    }

    int[] heat(int ramPage) {
        page(ramPage);
        return heat[ramPage];
    }

    /**
     * Forgets decoded instructions and translated blocks overlapping the written bytes {@code [off, off + size)}
     * (RAM offsets). Returns true when a translated block was dropped (the running block may be one of them).
     */
    boolean invalidate(int off, int size) {
        int page = off >>> Ram.PAGE_SHIFT;
        int o = off & (Ram.PAGE_SIZE - 1);
        boolean dropped = invalidatePage(page, o, Math.min(o + size, Ram.PAGE_SIZE));
        if (o + size > Ram.PAGE_SIZE && page + 1 < pages.length) {
            dropped |= invalidatePage(page + 1, 0, o + size - Ram.PAGE_SIZE);
        }
        return dropped;
    }

    private boolean invalidatePage(int page, int from, int to) {
        long[] p = pages[page];
        if (p == null) {
            return false;
        }
        for (int s = Math.max(0, (from - 2) >> 1); s <= (to - 1) >> 1; s++) {
            p[s] = 0;
        }
        Block[] b = blocks[page];
        boolean dropped = false;
        for (int s = Math.max(0, (from - MAX_BLOCK_SPAN) >> 1); s <= (to - 1) >> 1; s++) {
            Block blk = b[s];
            if (blk != null && 2 * s + blk.span() > from) {
                b[s] = null;
                dropped = true;
            }
        }
        return dropped;
    }

    /** Forgets everything (after a snapshot restore or a bulk load). */
    void clear() {
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null) {
                Arrays.fill(pages[i], 0L);
                Arrays.fill(blocks[i], null);
                Arrays.fill(heat[i], 0);
            }
        }
    }
}
