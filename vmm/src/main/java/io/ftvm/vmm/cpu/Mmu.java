package io.ftvm.vmm.cpu;

import io.ftvm.vmm.memory.Bus;
import io.ftvm.vmm.memory.Ram;

/**
 * Address translation (Sv39 with hardware A/D update), the TLBs and all guest memory accesses.
 *
 * <p>Three direct-mapped TLBs (load, store, fetch) cache 4 KiB translations that already passed the permission
 * checks for the current effective privilege, SUM and MXR, so a hit needs no checks; entries are filled only after
 * the walk has set A (and D for stores). Any change of privilege, satp, MPRV/MPP/SUM/MXR or an
 * {@code sfence.vma} flushes them. Misaligned accesses are performed (split per byte when they cross a page);
 * physical addresses outside RAM go to the MMIO bus, and unmapped ones raise access faults.
 */
public final class Mmu {
    static final int LOAD = 0;
    static final int STORE = 1;
    static final int FETCH = 2;

    private static final int TLB_BITS = 8;
    private static final int TLB_SIZE = 1 << TLB_BITS;
    static final int TLB_MASK = TLB_SIZE - 1;
    /** All entries of the three TLBs. */
    static final int TLB_ENTRIES = 3 * TLB_SIZE;
    /** Index bases of the load and store TLBs inside {@link #tlbTags()}. */
    static final int LOAD_TLB = LOAD * TLB_SIZE;
    static final int STORE_TLB = STORE * TLB_SIZE;
    private static final long PTE_V = 1;
    private static final long PTE_R = 2;
    private static final long PTE_W = 4;
    private static final long PTE_X = 8;
    private static final long PTE_U = 16;
    private static final long PTE_A = 64;
    private static final long PTE_D = 128;
    private static final long PPN_MASK = (1L << 44) - 1;

    private final Cpu cpu;
    private final Ram ram;
    private final long ramBase;
    private final int ramSize;
    private final Bus bus;
    private final DecodeCache code;
    private final long[] tlbTag = new long[3 * TLB_SIZE];
    private final long[] tlbPage = new long[3 * TLB_SIZE];

    private boolean dataTranslated;
    private boolean fetchTranslated;
    private int dataPrivilege;

    Mmu(Cpu cpu, Ram ram, Bus bus, DecodeCache code) {
        this.cpu = cpu;
        this.ram = ram;
        this.ramBase = ram.base();
        this.ramSize = ram.size();
        this.bus = bus;
        this.code = code;
        flush();
    }

    /** Recomputes the translation mode from privilege, mstatus and satp, and flushes the TLBs. */
    void update(int privilege, long mstatus, long satp) {
        int eff = privilege;
        if (privilege == Privilege.MACHINE && (mstatus & Csr.MPRV) != 0) {
            eff = (int) ((mstatus & Csr.MPP) >>> Csr.MPP_SHIFT);
        }
        boolean sv39 = (satp >>> 60) == 8;
        dataPrivilege = eff;
        dataTranslated = sv39 && eff < Privilege.MACHINE;
        fetchTranslated = sv39 && privilege < Privilege.MACHINE;
        flush();
    }

    boolean dataTranslated() {
        return dataTranslated;
    }

    /** TLB tags (virtual page numbers, -1 = empty): load, store and fetch sets of {@code TLB_SIZE} each. */
    long[] tlbTags() {
        return tlbTag;
    }

    /** Physical page base addresses matching {@link #tlbTags()}. */
    long[] tlbPages() {
        return tlbPage;
    }

    /** Replaces the TLB contents (snapshot restore), after {@link #update} set the translation mode. */
    void restoreTlb(long[] tags, long[] pages) {
        if (tags.length != tlbTag.length || pages.length != tlbPage.length) {
            throw new IllegalArgumentException("TLB state has " + tags.length + " entries, expected " + tlbTag.length);
        }
        System.arraycopy(tags, 0, tlbTag, 0, tags.length);
        System.arraycopy(pages, 0, tlbPage, 0, pages.length);
    }

    void flush() {
        java.util.Arrays.fill(tlbTag, -1L);
    }

    // ---------------------------------------------------------------- data accesses

    long load(long va, int size) {
        if (dataTranslated) {
            if ((va & 0xfff) + size > 0x1000) {
                return loadSplit(va, size);
            }
            return physRead(lookup(va, LOAD), size, va, Cause.LOAD_ACCESS_FAULT);
        }
        return physRead(va, size, va, Cause.LOAD_ACCESS_FAULT);
    }

    void store(long va, int size, long value) {
        if (dataTranslated) {
            if ((va & 0xfff) + size > 0x1000) {
                storeSplit(va, size, value);
                return;
            }
            physWrite(lookup(va, STORE), size, value, va);
            return;
        }
        physWrite(va, size, value, va);
    }

    /** Translates for a read-modify-write (AMO/SC): needs write permission, faults as a store. */
    long translateForAmo(long va) {
        return dataTranslated ? lookup(va, STORE) : va;
    }

    long physRead(long pa, int size, long va, int faultCause) {
        long off = pa - ramBase;
        if (off >= 0 && off <= ramSize - size) {
            return ram.read((int) off, size);
        }
        Bus.Region r = bus.find(pa);
        if (r == null || pa + size - r.base() > r.size()) {
            throw new Trap(faultCause, va);
        }
        cpu.endBlock();
        return r.device().read(pa - r.base(), size);
    }

    void physWrite(long pa, int size, long value, long va) {
        long off = pa - ramBase;
        if (off >= 0 && off <= ramSize - size) {
            ram.write((int) off, size, value);
            if (code.invalidate((int) off, size)) {
                cpu.endBlock();
            }
            return;
        }
        Bus.Region r = bus.find(pa);
        if (r == null || pa + size - r.base() > r.size()) {
            throw new Trap(Cause.STORE_ACCESS_FAULT, va);
        }
        cpu.endBlock();
        r.device().write(pa - r.base(), size, value);
    }

    /** True when the physical range is plain RAM (AMOs and LR/SC are only supported there). */
    boolean isRam(long pa, int size) {
        long off = pa - ramBase;
        return off >= 0 && off <= ramSize - size;
    }

    private long loadSplit(long va, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            long pa = lookup(va + i, LOAD);
            v |= physRead(pa, 1, va + i, Cause.LOAD_ACCESS_FAULT) << (8 * i);
        }
        return v;
    }

    private void storeSplit(long va, int size, long value) {
        long firstPage = lookup(va, STORE);
        long secondPage = lookup(va + size - 1, STORE);
        long boundary = (va | 0xfff) + 1;
        for (int i = 0; i < size; i++) {
            long a = va + i;
            long pa = a < boundary ? firstPage + i : (secondPage & ~0xfffL) + (a & 0xfff);
            physWrite(pa, 1, value >>> (8 * i), a);
        }
    }

    // ---------------------------------------------------------------- instruction fetch

    /** Physical address of the instruction byte at {@code va}. */
    long translateFetch(long va) {
        return fetchTranslated ? lookup(va, FETCH) : va;
    }

    /** RAM offset of a physical fetch address, or an instruction access fault. */
    int fetchOffset(long pa, long va, int size) {
        long off = pa - ramBase;
        if (off >= 0 && off <= ramSize - size) {
            return (int) off;
        }
        throw new Trap(Cause.INSTRUCTION_ACCESS_FAULT, va);
    }

    // ---------------------------------------------------------------- translation

    private long lookup(long va, int access) {
        long vpn = va >>> 12;
        int idx = access * TLB_SIZE + ((int) vpn & (TLB_SIZE - 1));
        if (tlbTag[idx] == vpn) {
            return tlbPage[idx] | (va & 0xfff);
        }
        long pa = walk(va, access);
        tlbTag[idx] = vpn;
        tlbPage[idx] = pa & ~0xfffL;
        return pa;
    }

    private static int pageFault(int access) {
        return access == LOAD ? Cause.LOAD_PAGE_FAULT
                : access == STORE ? Cause.STORE_PAGE_FAULT : Cause.INSTRUCTION_PAGE_FAULT;
    }

    private static int accessFault(int access) {
        return access == LOAD ? Cause.LOAD_ACCESS_FAULT
                : access == STORE ? Cause.STORE_ACCESS_FAULT : Cause.INSTRUCTION_ACCESS_FAULT;
    }

    private long walk(long va, int access) {
        if (((va << 25) >> 25) != va) {
            throw new Trap(pageFault(access), va);
        }
        int priv = access == FETCH ? cpu.privilege() : dataPrivilege;
        long mstatus = cpu.csrs().mstatus;
        long table = (cpu.csrs().satp & PPN_MASK) << 12;
        for (int level = 2; level >= 0; level--) {
            long vpn = (va >>> (12 + 9 * level)) & 0x1ff;
            long pteAddr = table + vpn * 8;
            if (!isRam(pteAddr, 8)) {
                throw new Trap(accessFault(access), va);
            }
            int pteOff = (int) (pteAddr - ramBase);
            long pte = ram.read64(pteOff);
            if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte >>> 54) != 0) {
                throw new Trap(pageFault(access), va);
            }
            long ppn = (pte >>> 10) & PPN_MASK;
            if ((pte & (PTE_R | PTE_X)) == 0) {
                table = ppn << 12;
                continue;
            }
            checkLeaf(pte, va, access, priv, mstatus);
            long levelMask = (1L << (9 * level)) - 1;
            if ((ppn & levelMask) != 0) {
                throw new Trap(pageFault(access), va);
            }
            long need = PTE_A | (access == STORE ? PTE_D : 0);
            if ((pte & need) != need) {
                ram.write(pteOff, 8, pte | need);
                if (code.invalidate(pteOff, 8)) {
                    cpu.endBlock();
                }
            }
            long pagePpn = ppn | ((va >>> 12) & levelMask);
            return (pagePpn << 12) | (va & 0xfff);
        }
        throw new Trap(pageFault(access), va);
    }

    private static void checkLeaf(long pte, long va, int access, int priv, long mstatus) {
        boolean user = (pte & PTE_U) != 0;
        if (priv == Privilege.USER && !user) {
            throw new Trap(pageFault(access), va);
        }
        if (priv == Privilege.SUPERVISOR && user && (access == FETCH || (mstatus & Csr.SUM) == 0)) {
            throw new Trap(pageFault(access), va);
        }
        boolean ok;
        switch (access) {
            case FETCH: ok = (pte & PTE_X) != 0; break;
            case LOAD: ok = (pte & PTE_R) != 0 || ((mstatus & Csr.MXR) != 0 && (pte & PTE_X) != 0); break;
            default: ok = (pte & PTE_W) != 0; break;
        }
        if (!ok) {
            throw new Trap(pageFault(access), va);
        }
    }
}
