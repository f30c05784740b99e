package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.HANDLER;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static io.ftvm.vmm.cpu.TestMachine.S_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Interrupts (privileged spec 1.12, 3.1.6.1, 3.1.7, 3.1.9): global enables per privilege, delegation via
 * mideleg, priority order MEI > MSI > MTI > SEI > SSI > STI, direct vs vectored mtvec.
 */
class InterruptTest {
    private static final long INTERRUPT = 1L << 63;
    private static final long CLINT_MSIP = 0x0200_0000L;
    private final TestMachine m = new TestMachine();

    @Test
    void softwareInterruptFromClintInDirectMode() {
        m.setCsr(Csr.MIE, Csr.MSIP).setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.program(sw(T1, T0, 0), nop(), nop()).set(T0, CLINT_MSIP).set(T1, 1);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_M_SOFTWARE);
        assertThat(m.csr(Csr.MEPC)).as("interrupted before the next instruction").isEqualTo(RAM + 4);
        assertThat(m.csr(Csr.MTVAL)).isZero();
        assertThat(m.x(T6)).isEqualTo(1);
        assertThat(m.csr(Csr.MSTATUS) & Csr.MPIE).isNotZero();
        assertThat(m.csr(Csr.MSTATUS) & Csr.MIE_BIT).isZero();
    }

    @Test
    void vectoredModeJumpsToBasePlusFourTimesCause() {
        m.program(sw(T1, T0, 0), nop()).set(T0, CLINT_MSIP).set(T1, 1);
        m.writeWords(HANDLER + 4 * Cause.IRQ_M_SOFTWARE, addi(A0, ZERO, 3), jal(ZERO, 0));
        m.setCsr(Csr.MTVEC, HANDLER | 1).setCsr(Csr.MIE, Csr.MSIP).setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(3);
        assertThat(m.pc()).isEqualTo(HANDLER + 4 * Cause.IRQ_M_SOFTWARE + 4);
    }

    @Test
    void machineInterruptsMaskedByMieInMachineMode() {
        m.setCsr(Csr.MIE, Csr.MSIP);
        m.program(sw(T1, T0, 0), nop(), nop()).set(T0, CLINT_MSIP).set(T1, 1);
        m.run(3);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 12);
    }

    @Test
    void machineInterruptsAreAlwaysEnabledBelowMachineMode() {
        m.setCsr(Csr.MIE, Csr.SSIP).setCsr(Csr.MIP, Csr.SSIP); // not delegated, mstatus.MIE = 0
        m.program(nop()).privilege(Privilege.SUPERVISOR);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_S_SOFTWARE);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM);
        assertThat(m.privilege()).isEqualTo(Privilege.MACHINE);
        assertThat((m.csr(Csr.MSTATUS) & Csr.MPP) >>> Csr.MPP_SHIFT).isEqualTo(Privilege.SUPERVISOR);
    }

    @Test
    void delegatedInterruptGoesToSupervisorWhenSieSet() {
        m.setCsr(Csr.MIDELEG, Csr.SSIP).setCsr(Csr.MIE, Csr.SSIP).setCsr(Csr.MIP, Csr.SSIP)
                .setCsr(Csr.MSTATUS, Csr.SIE_BIT);
        m.program(nop()).privilege(Privilege.SUPERVISOR);
        m.run(1);
        assertThat(m.csr(Csr.SCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_S_SOFTWARE);
        assertThat(m.csr(Csr.SEPC)).isEqualTo(RAM);
        assertThat(m.pc()).isEqualTo(S_HANDLER);
        assertThat(m.privilege()).isEqualTo(Privilege.SUPERVISOR);
        long ms = m.csr(Csr.MSTATUS);
        assertThat(ms & Csr.SPP).isNotZero();
        assertThat(ms & Csr.SPIE).isNotZero();
        assertThat(ms & Csr.SIE_BIT).isZero();
        assertThat(m.csr(Csr.MCAUSE)).isZero();
    }

    @Test
    void delegatedInterruptMaskedBySieInSupervisor() {
        m.setCsr(Csr.MIDELEG, Csr.SSIP).setCsr(Csr.MIE, Csr.SSIP).setCsr(Csr.MIP, Csr.SSIP);
        m.program(nop(), nop()).privilege(Privilege.SUPERVISOR);
        m.run(2);
        assertThat(m.csr(Csr.SCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 8);
    }

    @Test
    void delegatedInterruptAlwaysEnabledInUser() {
        m.setCsr(Csr.MIDELEG, Csr.STIP).setCsr(Csr.MIE, Csr.STIP).setCsr(Csr.MIP, Csr.STIP);
        m.program(nop()).privilege(Privilege.USER);
        m.run(1);
        assertThat(m.csr(Csr.SCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_S_TIMER);
        assertThat(m.csr(Csr.MSTATUS) & Csr.SPP).isZero();
        assertThat(m.pc()).isEqualTo(S_HANDLER);
    }

    @Test
    void delegatedInterruptNeverTakenInMachineMode() {
        m.setCsr(Csr.MIDELEG, Csr.SSIP).setCsr(Csr.MIE, Csr.SSIP).setCsr(Csr.MIP, Csr.SSIP)
                .setCsr(Csr.MSTATUS, Csr.MIE_BIT | Csr.SIE_BIT);
        m.program(nop(), nop());
        m.run(2);
        assertThat(m.csr(Csr.SCAUSE)).isZero();
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 8);
    }

    @Test
    void supervisorInterruptsPrioritySoftwareBeforeTimer() {
        m.setCsr(Csr.MIE, Csr.SSIP | Csr.STIP | Csr.SEIP).setCsr(Csr.MIP, Csr.SSIP | Csr.STIP)
                .setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.program(nop());
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_S_SOFTWARE);
        m.setCsr(Csr.MIP, Csr.SEIP | Csr.SSIP);
        m.setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.program(nop());
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_S_EXTERNAL);
    }

    @Test
    void machineSoftwareBeforeSupervisorInterrupts() {
        m.setCsr(Csr.MIE, Csr.MSIP | Csr.SSIP | Csr.SEIP).setCsr(Csr.MIP, Csr.SSIP | Csr.SEIP);
        m.program(sw(T1, T0, 0), nop()).set(T0, CLINT_MSIP).set(T1, 1);
        m.run(1);
        m.setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(INTERRUPT | Cause.IRQ_M_SOFTWARE);
    }

    @Test
    void mipSupervisorBitsAreWritableButMachineBitsAreNot() {
        m.program(csrw(Csr.MIP, A1), csrr(A0, Csr.MIP), csrr(A2, Csr.SIP)).set(A1, -1L);
        m.run(3);
        assertThat(m.x(A0) & (Csr.MSIP | Csr.MTIP | Csr.MEIP)).isZero();
        assertThat(m.x(A0) & Csr.SSIP).isNotZero();
        assertThat(m.x(A2)).as("sip shows only delegated bits").isZero();
    }

    @Test
    void wfiWakesOnPendingInterruptEvenWhenGloballyDisabled() {
        // 3.3.3: WFI resumes when an interrupt is pending in mie & mip, regardless of mstatus.MIE.
        m.setCsr(Csr.MIE, Csr.SSIP).setCsr(Csr.MIP, Csr.SSIP);
        m.program(wfi(), addi(A0, ZERO, 9));
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(9);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
    }
}
