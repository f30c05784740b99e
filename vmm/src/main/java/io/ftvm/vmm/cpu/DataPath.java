package io.ftvm.vmm.cpu;

import io.ftvm.vmm.memory.Ram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The loads and stores of the interpreter and of translated blocks. RAM accesses that are untranslated or hit the
 * TLB, and do not cross a page, are done here directly on the RAM array (the fast path, small enough for the JIT to
 * inline); everything else (TLB misses, faults, MMIO, page-crossing accesses) goes to {@link Mmu}.
 *
 * <p>Callers must have written the instruction count back to the {@link Cpu} before calling: MMIO devices read it.
 */
final class DataPath {
    private static final VarHandle SHORT =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Cpu cpu;
    private final Mmu mmu;
    private final DecodeCache code;
    private final byte[] mem;
    private final long ramBase;
    private final long ramSize;
    private final long[] dirty;
    private final long[][] codePages;
    private final long[] tlbTag;
    private final long[] tlbPage;
    /** Data accesses are untranslated (M-mode without MPRV, or satp bare). */
    boolean bare = true;

    DataPath(Cpu cpu, Ram ram, Mmu mmu, DecodeCache code) {
        this.cpu = cpu;
        this.mmu = mmu;
        this.code = code;
        this.mem = ram.array();
        this.ramBase = ram.base();
        this.ramSize = ram.size();
        this.dirty = ram.dirtyWords();
        this.codePages = code.pages();
        this.tlbTag = mmu.tlbTags();
        this.tlbPage = mmu.tlbPages();
    }

    /** RAM offset for a fast-path access, or -1 (TLB miss, not RAM, or crossing a page). */
    private long ramOffset(long va, int size, int tlb) {
        long pa;
        if (bare) {
            pa = va;
        } else {
            long vpn = va >>> 12;
            int i = tlb + ((int) vpn & Mmu.TLB_MASK);
            if (tlbTag[i] != vpn) {
                return -1;
            }
            pa = tlbPage[i] | (va & 0xfff);
        }
        long off = pa - ramBase;
        if ((va & 0xfff) > 0x1000 - size || off < 0 || off >= ramSize) {
            return -1;
        }
        return off;
    }

    /** Records a fast-path store: dirty page; forget decoded and translated code it overwrote. */
    private void stored(int off, int size) {
        int page = off >>> Ram.PAGE_SHIFT;
        dirty[page >>> 6] |= 1L << page;
        if (codePages[page] != null && code.invalidate(off, size)) {
            cpu.endBlock();
        }
    }

    long lb(long va) {
        long off = ramOffset(va, 1, Mmu.LOAD_TLB);
        return off >= 0 ? mem[(int) off] : (byte) mmu.load(va, 1);
    }

    long lbu(long va) {
        long off = ramOffset(va, 1, Mmu.LOAD_TLB);
        return off >= 0 ? mem[(int) off] & 0xffL : mmu.load(va, 1);
    }

    long lh(long va) {
        long off = ramOffset(va, 2, Mmu.LOAD_TLB);
        return off >= 0 ? (short) SHORT.get(mem, (int) off) : (short) mmu.load(va, 2);
    }

    long lhu(long va) {
        long off = ramOffset(va, 2, Mmu.LOAD_TLB);
        return off >= 0 ? (short) SHORT.get(mem, (int) off) & 0xffffL : mmu.load(va, 2);
    }

    long lw(long va) {
        long off = ramOffset(va, 4, Mmu.LOAD_TLB);
        return off >= 0 ? (int) INT.get(mem, (int) off) : (int) mmu.load(va, 4);
    }

    long lwu(long va) {
        long off = ramOffset(va, 4, Mmu.LOAD_TLB);
        return off >= 0 ? (int) INT.get(mem, (int) off) & 0xffffffffL : mmu.load(va, 4);
    }

    long ld(long va) {
        long off = ramOffset(va, 8, Mmu.LOAD_TLB);
        return off >= 0 ? (long) LONG.get(mem, (int) off) : mmu.load(va, 8);
    }

    void sb(long va, long v) {
        long off = ramOffset(va, 1, Mmu.STORE_TLB);
        if (off >= 0) {
            mem[(int) off] = (byte) v;
            stored((int) off, 1);
        } else {
            mmu.store(va, 1, v);
        }
    }

    void sh(long va, long v) {
        long off = ramOffset(va, 2, Mmu.STORE_TLB);
        if (off >= 0) {
            SHORT.set(mem, (int) off, (short) v);
            stored((int) off, 2);
        } else {
            mmu.store(va, 2, v);
        }
    }

    void sw(long va, long v) {
        long off = ramOffset(va, 4, Mmu.STORE_TLB);
        if (off >= 0) {
            INT.set(mem, (int) off, (int) v);
            stored((int) off, 4);
        } else {
            mmu.store(va, 4, v);
        }
    }

    void sd(long va, long v) {
        long off = ramOffset(va, 8, Mmu.STORE_TLB);
        if (off >= 0) {
            LONG.set(mem, (int) off, v);
            stored((int) off, 8);
        } else {
            mmu.store(va, 8, v);
        }
    }
}
