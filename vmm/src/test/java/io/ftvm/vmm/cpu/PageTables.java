package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.TestMachine.RAM;

/**
 * Builds Sv39 page tables (privileged spec 4.3-4.4) in a {@link TestMachine}'s RAM and points satp at them.
 * One root, one level-1 and one level-0 table: 4 KiB mappings must share VPN[2] and VPN[1]
 * (e.g. VAs 0x4000_0000..0x401f_ffff), 2 MiB mappings must share VPN[2].
 */
final class PageTables {
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    static final long ROOT = RAM + 0x20000;
    static final long L1 = RAM + 0x21000;
    static final long L0 = RAM + 0x22000;

    private final TestMachine m;

    PageTables(TestMachine m) {
        this.m = m;
        m.setCsr(Csr.SATP, (8L << 60) | (ROOT >>> 12));
    }

    static long pte(long pa, long flags) {
        return ((pa >>> 12) << 10) | flags;
    }

    private static int vpn(long va, int level) {
        return (int) ((va >>> (12 + 9 * level)) & 0x1ff);
    }

    void write(long table, int index, long pa, long flags) {
        m.poke(table + 8L * index, 8, pte(pa, flags));
    }

    /** VA 0x8000_0000.. = PA, 1 GiB, RWX (plus {@code extra}, e.g. U), A and D set: where the test code runs. */
    PageTables identityGigapage(long extra) {
        write(ROOT, 2, RAM, V | R | W | X | A | D | extra);
        return this;
    }

    PageTables map1g(long va, long pa, long flags) {
        write(ROOT, vpn(va, 2), pa, flags);
        return this;
    }

    PageTables map2m(long va, long pa, long flags) {
        write(ROOT, vpn(va, 2), L1, V);
        write(L1, vpn(va, 1), pa, flags);
        return this;
    }

    PageTables map4k(long va, long pa, long flags) {
        write(ROOT, vpn(va, 2), L1, V);
        write(L1, vpn(va, 1), L0, V);
        write(L0, vpn(va, 0), pa, flags);
        return this;
    }

    /** Physical address of the level-0 PTE of a 4 KiB mapping. */
    static long leafAddress(long va) {
        return L0 + 8L * vpn(va, 0);
    }
}
