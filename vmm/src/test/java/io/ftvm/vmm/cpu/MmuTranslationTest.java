package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.PageTables.*;
import static io.ftvm.vmm.cpu.TestMachine.DATA;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Sv39 translation (privileged spec 1.12, 4.3.2 and 4.4): 4 KiB, 2 MiB and 1 GiB pages, misaligned superpages,
 * canonical addresses, hardware A/D update, SFENCE.VMA, page-table accesses outside RAM, MPRV. The test code
 * runs in S-mode from an identity-mapped gigapage; traps go to the M-mode handler.
 */
class MmuTranslationTest {
    private static final long VA = 0x4000_1000L;
    private static final long RWAD = V | R | W | A | D;
    private final TestMachine m = new TestMachine();
    private final PageTables pt = new PageTables(m).identityGigapage(0);

    private void assertFault(int cause, long tval) {
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(cause);
        assertThat(m.csr(Csr.MTVAL)).as("tval = faulting virtual address").isEqualTo(tval);
        assertThat(m.inMachineHandler()).isTrue();
    }

    @Test
    void fourKilobytePageTranslatesLoadsAndStores() {
        pt.map4k(VA, DATA, RWAD);
        m.poke(DATA + 8, 8, 42);
        m.program(ld(A0, A1, 8), sd(A2, A1, 16)).privilege(Privilege.SUPERVISOR).set(A1, VA).set(A2, 77);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.x(A0)).isEqualTo(42);
        assertThat(m.peek(DATA + 16, 8)).isEqualTo(77);
    }

    @Test
    void twoMegabytePage() {
        pt.map2m(0x4020_0000L, RAM + 0x20_0000L, RWAD);
        m.poke(RAM + 0x21_2348L, 8, 0x1234);
        m.program(ld(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, 0x4021_2348L);
        m.run(1);
        assertThat(m.x(A0)).isEqualTo(0x1234);
    }

    @Test
    void oneGigabytePage() {
        pt.map1g(0xc000_0000L, RAM, RWAD);
        m.poke(DATA + 0x18, 8, 0x5678);
        m.program(ld(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, 0xc000_0000L + (DATA - RAM) + 0x18);
        m.run(1);
        assertThat(m.x(A0)).isEqualTo(0x5678);
    }

    @Test
    void misalignedMegapageIsAPageFault() {
        pt.map2m(0x4020_0000L, RAM + 0x20_1000L, RWAD);
        m.program(ld(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, 0x4020_0010L);
        m.run(1);
        assertFault(Cause.LOAD_PAGE_FAULT, 0x4020_0010L);
    }

    @Test
    void misalignedGigapageIsAPageFault() {
        pt.map1g(0xc000_0000L, RAM + 0x20_0000L, RWAD);
        m.program(sd(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, 0xc000_0008L);
        m.run(1);
        assertFault(Cause.STORE_PAGE_FAULT, 0xc000_0008L);
    }

    @Test
    void nonCanonicalAddressIsAPageFaultEvenWhenItsIndexBitsAreMapped() {
        // 4.4.1: bits 63:39 must equal bit 38. Root index 256 maps the canonical 0xffff_ffc0_0000_0000.
        pt.map1g(0xffff_ffc0_0000_0000L, RAM, RWAD);
        m.poke(DATA, 8, 99);
        long canonical = 0xffff_ffc0_0000_0000L + (DATA - RAM);
        long nonCanonical = canonical & 0x0000_007f_ffff_ffffL;
        m.program(ld(A0, A1, 0), ld(A2, A3, 0)).privilege(Privilege.SUPERVISOR).set(A1, canonical)
                .set(A3, nonCanonical);
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(99);
        assertFault(Cause.LOAD_PAGE_FAULT, nonCanonical);
    }

    @Test
    void invalidAndReservedPtesArePageFaults() {
        pt.map4k(VA, DATA, R | W | A | D); // V = 0
        m.program(ld(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, VA);
        m.run(1);
        assertFault(Cause.LOAD_PAGE_FAULT, VA);

        TestMachine w = new TestMachine();
        new PageTables(w).identityGigapage(0).map4k(VA, DATA, V | W | A | D); // W without R is reserved
        w.program(sd(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, VA);
        w.run(1);
        assertThat(w.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_PAGE_FAULT);
    }

    @Test
    void hardwareSetsAccessedOnLoadAndDirtyOnlyOnStore() {
        pt.map4k(VA, DATA, V | R | W);
        pt.map4k(VA + 0x1000, DATA + 0x1000, V | R | W);
        m.program(ld(A0, A1, 0), sd(A0, A2, 0)).privilege(Privilege.SUPERVISOR).set(A1, VA).set(A2, VA + 0x1000);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        long loaded = m.peek(leafAddress(VA), 8);
        long stored = m.peek(leafAddress(VA + 0x1000), 8);
        assertThat(loaded & A).isNotZero();
        assertThat(loaded & D).isZero();
        assertThat(stored & (A | D)).isEqualTo(A | D);
    }

    @Test
    void sfenceVmaMakesAChangedPteVisible() {
        pt.map4k(VA, DATA, RWAD);
        m.poke(DATA, 8, 1).poke(DATA + 0x1000, 8, 2);
        m.program(ld(A0, A1, 0), sfenceVma(ZERO, ZERO), ld(A2, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, VA);
        m.run(1);
        m.poke(leafAddress(VA), 8, pte(DATA + 0x1000, RWAD));
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(1);
        assertThat(m.x(A2)).isEqualTo(2);
    }

    @Test
    void misalignedLoadAcrossTwoNonContiguousPages() {
        pt.map4k(VA, DATA + 0x2000, RWAD).map4k(VA + 0x1000, DATA, RWAD);
        m.poke(DATA + 0x2ffc, 4, 0x4433_2211L).poke(DATA, 4, 0x8877_6655L);
        m.program(ld(A0, A1, 0), sd(A2, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, VA + 0xffc)
                .set(A2, 0x0102_0304_0506_0708L);
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(0x8877_6655_4433_2211L);
        assertThat(m.peek(DATA + 0x2ffc, 4)).isEqualTo(0x0506_0708L);
        assertThat(m.peek(DATA, 4)).isEqualTo(0x0102_0304L);
    }

    @Test
    void misalignedStoreWhoseSecondPageFaultsWritesNothing() {
        pt.map4k(VA, DATA, RWAD).map4k(VA + 0x1000, DATA + 0x1000, V | R | A);
        m.poke(DATA + 0xff8, 8, 0);
        m.program(sd(A2, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, VA + 0xffc).set(A2, -1L);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_PAGE_FAULT);
        assertThat(m.peek(DATA + 0xff8, 8)).isZero();
    }

    @Test
    void pageTableOutsideRamIsAnAccessFaultOfTheOriginalType() {
        // 4.3.2 step 2: a PTE access that violates a PMA raises an access fault for the original access type.
        m.setCsr(Csr.SATP, (8L << 60) | (0x9000_0000L >>> 12))
                .setCsr(Csr.MSTATUS, Csr.MPRV | (1L << Csr.MPP_SHIFT));
        m.program(ld(A0, A1, 0)).set(A1, VA);
        m.run(1);
        assertFault(Cause.LOAD_ACCESS_FAULT, VA);

        TestMachine s = new TestMachine();
        s.setCsr(Csr.SATP, (8L << 60) | (0x9000_0000L >>> 12))
                .setCsr(Csr.MSTATUS, Csr.MPRV | (1L << Csr.MPP_SHIFT));
        s.program(sd(A0, A1, 0)).set(A1, VA);
        s.run(1);
        assertThat(s.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_ACCESS_FAULT);

        TestMachine f = new TestMachine();
        f.setCsr(Csr.SATP, (8L << 60) | (0x9000_0000L >>> 12));
        f.program(nop()).privilege(Privilege.SUPERVISOR);
        f.run(1);
        assertThat(f.csr(Csr.MCAUSE)).isEqualTo(Cause.INSTRUCTION_ACCESS_FAULT);
        assertThat(f.csr(Csr.MTVAL)).isEqualTo(RAM);
    }

    @Test
    void mprvTranslatesMachineModeDataAccessesWithMppPrivilege() {
        pt.map4k(VA, DATA, RWAD);
        m.poke(DATA, 8, 55);
        m.setCsr(Csr.MSTATUS, Csr.MPRV | (1L << Csr.MPP_SHIFT));
        m.program(ld(A0, A1, 0)).set(A1, VA); // fetch stays untranslated in M-mode
        m.run(1);
        assertThat(m.x(A0)).isEqualTo(55);
    }

    @Test
    void mprvWithMppMachineDoesNotTranslate() {
        pt.map4k(VA, DATA, RWAD);
        m.setCsr(Csr.MSTATUS, Csr.MPRV | (3L << Csr.MPP_SHIFT));
        m.program(ld(A0, A1, 0)).set(A1, DATA + 0x40);
        m.poke(DATA + 0x40, 8, 66);
        m.run(1);
        assertThat(m.x(A0)).isEqualTo(66);
    }

    @Test
    void bareModeDoesNotTranslateSupervisorAccesses() {
        m.setCsr(Csr.SATP, 0);
        m.poke(DATA, 8, 11);
        m.program(ld(A0, A1, 0)).privilege(Privilege.SUPERVISOR).set(A1, DATA);
        m.run(1);
        assertThat(m.x(A0)).isEqualTo(11);
    }
}
