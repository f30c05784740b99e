package io.ftvm.vmm.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Guest RAM: one little-endian byte array at a physical base address, with dirty-page tracking (pages written
 * since the last {@link #clearDirty()}), which later lets snapshots be sent incrementally.
 *
 * <p>Accessors take an offset from the base and assume the caller checked bounds; misaligned accesses are
 * performed like aligned ones.
 */
public final class Ram {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final byte[] data;
    private final long[] dirty;
    /** Pages drained from {@link #dirty} by a digest since the last {@link #clearDirty()}: still dirty for snapshots. */
    private final long[] drained;

    public Ram(long base, int size) {
        if (size <= 0 || (size & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + size);
        }
        this.base = base;
        this.data = new byte[size];
        this.dirty = new long[(size >>> PAGE_SHIFT + 6) + 1];
        this.drained = new long[dirty.length];
    }

    public long base() {
        return base;
    }

    public int size() {
        return data.length;
    }

    /** The backing array, for the MMU's fast path and for loaders and snapshots. */
    public byte[] array() {
        return data;
    }

    /** True when {@code [pa, pa + len)} lies entirely inside RAM. */
    public boolean contains(long pa, int len) {
        long off = pa - base;
        return off >= 0 && off <= data.length - len;
    }

    public long read(int off, int size) {
        switch (size) {
            case 1: return data[off] & 0xffL;
            case 2: return (short) SHORT.get(data, off) & 0xffffL;
            case 4: return (int) INT.get(data, off) & 0xffffffffL;
            default: return (long) LONG.get(data, off);
        }
    }

    public void write(int off, int size, long value) {
        switch (size) {
            case 1: data[off] = (byte) value; break;
            case 2: SHORT.set(data, off, (short) value); break;
            case 4: INT.set(data, off, (int) value); break;
            default: LONG.set(data, off, value); break;
        }
        int first = off >>> PAGE_SHIFT;
        dirty[first >>> 6] |= 1L << first;
        int last = (off + size - 1) >>> PAGE_SHIFT;
        if (last != first) {
            dirty[last >>> 6] |= 1L << last;
        }
    }

    public long read64(int off) {
        return (long) LONG.get(data, off);
    }

    public void write64(int off, long value) {
        write(off, 8, value);
    }

    /** Copies host bytes into RAM (loaders, snapshots); marks the pages dirty. */
    public void load(int off, byte[] src, int srcOff, int len) {
        System.arraycopy(src, srcOff, data, off, len);
        markDirtyRange(off, len);
    }

    public void zero(int off, int len) {
        Arrays.fill(data, off, off + len, (byte) 0);
        markDirtyRange(off, len);
    }

    private void markDirtyRange(int off, int len) {
        if (len <= 0) {
            return;
        }
        for (int p = off >>> PAGE_SHIFT; p <= (off + len - 1) >>> PAGE_SHIFT; p++) {
            dirty[p >>> 6] |= 1L << p;
        }
    }

    /**
     * The dirty bitmap itself (bit {@code p} of word {@code p / 64} = page {@code p} written), shared with the CPU's
     * store fast path, which sets bits directly.
     */
    public long[] dirtyWords() {
        return dirty;
    }

    /** Whether a page was written since the last {@link #clearDirty()} (the mark for incremental snapshots). */
    public boolean isDirty(int page) {
        return ((dirty[page >>> 6] | drained[page >>> 6]) & (1L << page)) != 0;
    }

    public int dirtyPageCount() {
        int n = 0;
        for (int i = 0; i < dirty.length; i++) {
            n += Long.bitCount(dirty[i] | drained[i]);
        }
        return n;
    }

    /** Sets the mark: from now on only pages written after this call are dirty. */
    public void clearDirty() {
        Arrays.fill(dirty, 0L);
        Arrays.fill(drained, 0L);
    }

    /**
     * Hands every page written since the previous drain to {@code page} (for incremental digests). Drained pages
     * stay dirty for {@link #isDirty} until {@link #clearDirty()}.
     */
    public void drainDirty(java.util.function.IntConsumer page) {
        for (int i = 0; i < dirty.length; i++) {
            long w = dirty[i];
            if (w == 0) {
                continue;
            }
            dirty[i] = 0;
            drained[i] |= w;
            while (w != 0) {
                int bit = Long.numberOfTrailingZeros(w);
                w &= w - 1;
                int p = i * 64 + bit;
                if (p < size() >>> PAGE_SHIFT) {
                    page.accept(p);
                }
            }
        }
    }
}
