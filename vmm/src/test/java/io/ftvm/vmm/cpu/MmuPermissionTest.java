package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.PageTables.*;
import static io.ftvm.vmm.cpu.TestMachine.DATA;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Sv39 permission checks (privileged spec 1.12, 4.3.1, 4.3.2 step 5, 4.1.1.2 SUM/MXR, 3.1.6.3 MPRV): R/W/X,
 * the U bit from S and U mode, SUM, MXR, and the fault causes 12/13/15 with tval = virtual address.
 */
class MmuPermissionTest {
    private static final long VA = 0x4000_1000L;
    private final TestMachine m = new TestMachine();

    private void run(int privilege, long codeFlags, int... code) {
        new PageTables(m).identityGigapage(codeFlags);
        m.program(code).privilege(privilege).set(A1, VA);
        m.run(code.length);
    }

    private PageTables tables() {
        return new PageTables(m);
    }

    private void assertFault(int cause, long tval) {
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(cause);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(tval);
        assertThat(m.inMachineHandler()).isTrue();
    }

    private void assertNoFault() {
        assertThat(m.csr(Csr.MCAUSE)).isZero();
    }

    @Test
    void storeToReadOnlyPageIsAStorePageFault() {
        tables().map4k(VA, DATA, V | R | A | D);
        m.poke(DATA + 8, 8, 5);
        run(Privilege.SUPERVISOR, 0, ld(A0, A1, 8), sd(A2, A1, 8));
        assertFault(Cause.STORE_PAGE_FAULT, VA + 8);
        assertThat(m.x(A0)).isEqualTo(5);
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(5);
    }

    @Test
    void amoToReadOnlyPageIsAStorePageFault() {
        tables().map4k(VA, DATA, V | R | A | D);
        run(Privilege.SUPERVISOR, 0, amo(AMOADD, 8, A0, A1, A2));
        assertFault(Cause.STORE_PAGE_FAULT, VA);
    }

    @Test
    void fetchFromNonExecutablePageIsAnInstructionPageFault() {
        tables().map4k(VA, RAM + 0x3000, V | R | W | A | D);
        m.writeWords(RAM + 0x3000, nop());
        run(Privilege.SUPERVISOR, 0, jalr(ZERO, A1, 0));
        m.run(1);
        assertFault(Cause.INSTRUCTION_PAGE_FAULT, VA);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(VA);
    }

    @Test
    void executeOnlyPageRunsCode() {
        tables().map4k(VA, RAM + 0x3000, V | X | A);
        m.writeWords(RAM + 0x3000, addi(A0, ZERO, 7));
        run(Privilege.SUPERVISOR, 0, jalr(ZERO, A1, 0), nop());
        assertNoFault();
        assertThat(m.x(A0)).isEqualTo(7);
    }

    @Test
    void loadFromExecuteOnlyPageNeedsMxr() {
        tables().map4k(VA, DATA, V | X | A);
        run(Privilege.SUPERVISOR, 0, ld(A0, A1, 0));
        assertFault(Cause.LOAD_PAGE_FAULT, VA);
    }

    @Test
    void mxrMakesExecutablePagesReadable() {
        tables().map4k(VA, DATA, V | X | A);
        m.poke(DATA, 8, 3);
        m.setCsr(Csr.MSTATUS, Csr.MXR);
        run(Privilege.SUPERVISOR, 0, ld(A0, A1, 0));
        assertNoFault();
        assertThat(m.x(A0)).isEqualTo(3);
    }

    @Test
    void supervisorLoadFromUserPageFaultsWithoutSum() {
        tables().map4k(VA, DATA, V | R | W | U | A | D);
        run(Privilege.SUPERVISOR, 0, ld(A0, A1, 0));
        assertFault(Cause.LOAD_PAGE_FAULT, VA);
    }

    @Test
    void supervisorStoreToUserPageFaultsWithoutSum() {
        tables().map4k(VA, DATA, V | R | W | U | A | D);
        run(Privilege.SUPERVISOR, 0, sd(A0, A1, 0));
        assertFault(Cause.STORE_PAGE_FAULT, VA);
    }

    @Test
    void sumPermitsSupervisorDataAccessToUserPages() {
        tables().map4k(VA, DATA, V | R | W | U | A | D);
        m.poke(DATA, 8, 4);
        m.setCsr(Csr.MSTATUS, Csr.SUM);
        run(Privilege.SUPERVISOR, 0, ld(A0, A1, 0), sd(A0, A1, 8));
        assertNoFault();
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(4);
    }

    @Test
    void supervisorNeverExecutesUserPagesEvenWithSum() {
        m.setCsr(Csr.MSTATUS, Csr.SUM);
        run(Privilege.SUPERVISOR, U, nop());
        assertFault(Cause.INSTRUCTION_PAGE_FAULT, RAM);
    }

    @Test
    void userCannotAccessSupervisorPages() {
        tables().map4k(VA, DATA, V | R | W | A | D);
        run(Privilege.USER, U, ld(A0, A1, 0));
        assertFault(Cause.LOAD_PAGE_FAULT, VA);
    }

    @Test
    void userCannotExecuteSupervisorPages() {
        run(Privilege.USER, 0, nop());
        assertFault(Cause.INSTRUCTION_PAGE_FAULT, RAM);
    }

    @Test
    void userAccessesUserPages() {
        tables().map4k(VA, DATA, V | R | W | U | A | D);
        m.poke(DATA, 8, 9);
        run(Privilege.USER, U, ld(A0, A1, 0), sd(A0, A1, 8));
        assertNoFault();
        assertThat(m.x(A0)).isEqualTo(9);
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(9);
    }

    @Test
    void userStoreToReadOnlyUserPage() {
        tables().map4k(VA, DATA, V | R | U | A | D);
        run(Privilege.USER, U, sd(A0, A1, 0x10));
        assertFault(Cause.STORE_PAGE_FAULT, VA + 0x10);
    }

    @Test
    void mprvWithMppUserAppliesUserPermissions() {
        tables().identityGigapage(0).map4k(VA, DATA, V | R | W | A | D);
        m.setCsr(Csr.MSTATUS, Csr.MPRV); // MPP = U
        m.program(ld(A0, A1, 0)).set(A1, VA);
        m.run(1);
        assertFault(Cause.LOAD_PAGE_FAULT, VA);
    }

    @Test
    void faultingLoadDoesNotSetTheAccessedBit() {
        tables().map4k(VA, DATA, V | R | W | U);
        run(Privilege.SUPERVISOR, 0, ld(A0, A1, 0));
        assertFault(Cause.LOAD_PAGE_FAULT, VA);
        assertThat(m.peek(leafAddress(VA), 8) & A).isZero();
    }
}
