package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.RunResult;
import org.junit.jupiter.api.Test;

/**
 * Virtualization and counter controls of the privileged spec 1.12: mstatus.TVM/TW/TSR (3.1.6.5) and the
 * mcounteren/scounteren enables for cycle, time, instret and hpmcounters (3.1.11, 4.1.5).
 */
class PrivilegeControlTest {
    private final TestMachine m = new TestMachine();

    private void runAt(int privilege, int... code) {
        m.program(code).privilege(privilege);
        m.run(code.length);
    }

    private void assertIllegal(int insn) {
        assertThat(m.csr(Csr.MCAUSE)).as("mcause for 0x%08x", insn).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
        assertThat(m.inMachineHandler()).isTrue();
    }

    private void assertNoTrap(int instructions) {
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 4L * instructions);
    }

    @Test
    void tvmTrapsSatpAccessFromSupervisor() {
        m.setCsr(Csr.MSTATUS, Csr.TVM);
        runAt(Privilege.SUPERVISOR, csrr(A0, Csr.SATP));
        assertIllegal(csrr(A0, Csr.SATP));
    }

    @Test
    void tvmTrapsSfenceVmaFromSupervisor() {
        m.setCsr(Csr.MSTATUS, Csr.TVM);
        runAt(Privilege.SUPERVISOR, sfenceVma(A0, A1));
        assertIllegal(sfenceVma(A0, A1));
    }

    @Test
    void withoutTvmSupervisorMayUseSatpAndSfence() {
        runAt(Privilege.SUPERVISOR, csrr(A0, Csr.SATP), sfenceVma(ZERO, ZERO));
        assertNoTrap(2);
    }

    @Test
    void tvmDoesNotAffectMachineMode() {
        m.setCsr(Csr.MSTATUS, Csr.TVM);
        runAt(Privilege.MACHINE, csrr(A0, Csr.SATP), sfenceVma(ZERO, ZERO));
        assertNoTrap(2);
    }

    @Test
    void sfenceVmaFromUserIsIllegal() {
        runAt(Privilege.USER, sfenceVma(ZERO, ZERO));
        assertIllegal(sfenceVma(ZERO, ZERO));
    }

    @Test
    void twTrapsWfiInSupervisor() {
        m.setCsr(Csr.MSTATUS, Csr.TW);
        runAt(Privilege.SUPERVISOR, wfi());
        assertIllegal(wfi());
    }

    @Test
    void twDoesNotAffectMachineModeWfi() {
        m.setCsr(Csr.MSTATUS, Csr.TW);
        m.program(wfi(), nop());
        RunResult r = m.run(2);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.IDLE);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.icount()).as("wfi retired").isEqualTo(1);
    }

    @Test
    void tsrTrapsSretInSupervisor() {
        m.setCsr(Csr.MSTATUS, Csr.TSR);
        runAt(Privilege.SUPERVISOR, sret());
        assertIllegal(sret());
    }

    @Test
    void tsrDoesNotAffectSretFromMachineMode() {
        m.setCsr(Csr.MSTATUS, Csr.TSR | Csr.SPP).setCsr(Csr.SEPC, RAM + 0x40);
        runAt(Privilege.MACHINE, sret());
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 0x40);
        assertThat(m.privilege()).isEqualTo(Privilege.SUPERVISOR);
    }

    @Test
    void countersFromSupervisorNeedMcounteren() {
        runAt(Privilege.SUPERVISOR, csrr(A0, Csr.CYCLE));
        assertIllegal(csrr(A0, Csr.CYCLE));
    }

    @Test
    void countersFromSupervisorWithMcounterenReadFine() {
        m.setCsr(Csr.MCOUNTEREN, 0b111);
        runAt(Privilege.SUPERVISOR, csrr(A0, Csr.CYCLE), csrr(A1, Csr.TIME), csrr(A2, Csr.INSTRET));
        assertNoTrap(3);
        assertThat(m.x(A2)).isEqualTo(2);
    }

    @Test
    void eachCounterHasItsOwnEnableBit() {
        m.setCsr(Csr.MCOUNTEREN, 0b101); // CY and IR, not TM
        runAt(Privilege.SUPERVISOR, csrr(A0, Csr.CYCLE), csrr(A2, Csr.INSTRET), csrr(A1, Csr.TIME));
        assertIllegal(csrr(A1, Csr.TIME));
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM + 8);
    }

    @Test
    void hpmCounterEnableBit() {
        m.setCsr(Csr.MCOUNTEREN, 0b111);
        runAt(Privilege.SUPERVISOR, csrr(A0, 0xc03));
        assertIllegal(csrr(A0, 0xc03));
    }

    @Test
    void userCountersNeedBothEnables() {
        m.setCsr(Csr.MCOUNTEREN, 0b010);
        runAt(Privilege.USER, csrr(A0, Csr.TIME));
        assertIllegal(csrr(A0, Csr.TIME));

        TestMachine only = new TestMachine();
        only.setCsr(Csr.SCOUNTEREN, 0b010);
        only.program(csrr(A0, Csr.TIME)).privilege(Privilege.USER);
        only.run(1);
        assertThat(only.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
    }

    @Test
    void userCountersWithBothEnablesRead() {
        m.setCsr(Csr.MCOUNTEREN, 0b010).setCsr(Csr.SCOUNTEREN, 0b010);
        m.program(nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(),
                csrr(A0, Csr.TIME)).privilege(Privilege.USER);
        m.run(13);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.x(A0)).as("mtime = icount / 10").isEqualTo(1);
    }

    @Test
    void countersAlwaysReadableInMachineMode() {
        runAt(Privilege.MACHINE, csrr(A0, Csr.CYCLE), csrr(A1, Csr.TIME), csrr(A2, Csr.INSTRET));
        assertNoTrap(3);
    }

    @Test
    void countersAreReadOnly() {
        m.setCsr(Csr.MCOUNTEREN, 0b111);
        runAt(Privilege.MACHINE, csrw(Csr.INSTRET, A0));
        assertIllegal(csrw(Csr.INSTRET, A0));
    }
}
