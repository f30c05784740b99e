package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.HANDLER;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static io.ftvm.vmm.cpu.TestMachine.S_HANDLER;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Synchronous exceptions (privileged spec 1.12, 3.1.6.1, 3.1.8, 3.1.15-3.1.16, 3.3.1-3.3.2): cause and tval,
 * mstatus stacking on entry, delegation to S via medeleg, MRET/SRET, and that a trapping instruction does not
 * retire nor write rd.
 */
class TrapTest {
    private final TestMachine m = new TestMachine();

    private long mpp() {
        return (m.csr(Csr.MSTATUS) & Csr.MPP) >>> Csr.MPP_SHIFT;
    }

    @ParameterizedTest
    @ValueSource(ints = {Privilege.USER, Privilege.SUPERVISOR, Privilege.MACHINE})
    void ecallCauseDependsOnPrivilege(int privilege) {
        m.program(ecall()).privilege(privilege);
        m.run(1);
        int expected = privilege == Privilege.USER ? 8 : privilege == Privilege.SUPERVISOR ? 9 : 11;
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(expected);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM);
        assertThat(m.csr(Csr.MTVAL)).isZero();
        assertThat(mpp()).isEqualTo(privilege);
        assertThat(m.privilege()).isEqualTo(Privilege.MACHINE);
        assertThat(m.x(T6)).as("ecall does not retire").isZero();
    }

    @Test
    void ebreakIsABreakpointWithZeroTval() {
        m.program(nop(), ebreak());
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.BREAKPOINT);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM + 4);
        assertThat(m.csr(Csr.MTVAL)).isZero();
        assertThat(m.x(T6)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xffffffff, 0x1234507b, 0x0000006b, 0x80007033, 0x0000_4073})
    void illegalInstructionTvalIsTheInstructionBits(int insn) {
        m.program(insn);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM);
    }

    @Test
    void allZeroParcelIsIllegalWithTvalZero() {
        m.program(0);
        m.setCsr(Csr.MTVAL, 0x1234);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isZero();
    }

    @Test
    void trappingInstructionDoesNotRetireNorWriteRd() {
        m.program(nop(), nop(), ld(A0, A1, 0)).set(A1, 0x9000_0000L).set(A0, 0x1234);
        m.run(3);
        assertThat(m.x(T6)).as("minstret at handler entry").isEqualTo(2);
        assertThat(m.icount()).isEqualTo(3);
        assertThat(m.x(A0)).isEqualTo(0x1234);
        assertThat(m.pc()).isEqualTo(HANDLER + 4);
    }

    @Test
    void trapEntryStacksInterruptEnable() {
        m.setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.program(ecall());
        m.run(1);
        long ms = m.csr(Csr.MSTATUS);
        assertThat(ms & Csr.MIE_BIT).isZero();
        assertThat(ms & Csr.MPIE).isNotZero();
        assertThat(mpp()).isEqualTo(Privilege.MACHINE);
    }

    @Test
    void mretRestoresAndResetsFields() {
        // 3.3.2: MIE <- MPIE, MPIE <- 1, privilege <- MPP, MPP <- U (least privileged), MPRV <- 0 if MPP != M.
        m.setCsr(Csr.MSTATUS, (1L << Csr.MPP_SHIFT) | Csr.MPRV).setCsr(Csr.MEPC, RAM + 0x100);
        m.program(mret());
        m.run(1);
        long ms = m.csr(Csr.MSTATUS);
        assertThat(m.privilege()).isEqualTo(Privilege.SUPERVISOR);
        assertThat(m.pc()).isEqualTo(RAM + 0x100);
        assertThat(ms & Csr.MIE_BIT).as("MIE <- MPIE (0)").isZero();
        assertThat(ms & Csr.MPIE).as("MPIE <- 1").isNotZero();
        assertThat(mpp()).as("MPP <- U").isEqualTo(Privilege.USER);
        assertThat(ms & Csr.MPRV).as("MPRV cleared").isZero();
    }

    @Test
    void mretToMachineKeepsMprvAndSetsMie() {
        m.setCsr(Csr.MSTATUS, (3L << Csr.MPP_SHIFT) | Csr.MPRV | Csr.MPIE).setCsr(Csr.MEPC, RAM + 0x100);
        m.program(mret());
        m.run(1);
        long ms = m.csr(Csr.MSTATUS);
        assertThat(m.privilege()).isEqualTo(Privilege.MACHINE);
        assertThat(ms & Csr.MPRV).isNotZero();
        assertThat(ms & Csr.MIE_BIT).isNotZero();
        assertThat(mpp()).isEqualTo(Privilege.USER);
    }

    @Test
    void sretRestoresAndResetsFields() {
        // 3.3.2 / 4.1.1: SIE <- SPIE, SPIE <- 1, privilege <- SPP, SPP <- U, MPRV <- 0.
        m.setCsr(Csr.MSTATUS, Csr.SPIE | Csr.MPRV).setCsr(Csr.SEPC, RAM + 0x80);
        m.program(sret()).privilege(Privilege.SUPERVISOR);
        m.run(1);
        long ms = m.csr(Csr.MSTATUS);
        assertThat(m.privilege()).isEqualTo(Privilege.USER);
        assertThat(m.pc()).isEqualTo(RAM + 0x80);
        assertThat(ms & Csr.SIE_BIT).isNotZero();
        assertThat(ms & Csr.SPIE).isNotZero();
        assertThat(ms & Csr.SPP).isZero();
        assertThat(ms & Csr.MPRV).isZero();
    }

    @Test
    void sretToSupervisor() {
        m.setCsr(Csr.MSTATUS, Csr.SPP).setCsr(Csr.SEPC, RAM + 0x80);
        m.program(sret()).privilege(Privilege.SUPERVISOR);
        m.run(1);
        assertThat(m.privilege()).isEqualTo(Privilege.SUPERVISOR);
        assertThat(m.csr(Csr.MSTATUS) & (Csr.SPP | Csr.SIE_BIT)).isZero();
    }

    @Test
    void mretBelowMachineModeIsIllegal() {
        m.program(mret()).privilege(Privilege.SUPERVISOR);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(0x30200073L);
    }

    @Test
    void sretFromUserIsIllegal() {
        m.program(sret()).privilege(Privilege.USER);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(0x10200073L);
        assertThat(mpp()).isEqualTo(Privilege.USER);
    }

    @Test
    void delegatedExceptionFromUserGoesToSupervisor() {
        m.setCsr(Csr.MEDELEG, 1L << Cause.ECALL_FROM_U).setCsr(Csr.MSTATUS, Csr.SIE_BIT);
        m.program(nop(), ecall()).privilege(Privilege.USER);
        m.run(2);
        long ms = m.csr(Csr.MSTATUS);
        assertThat(m.privilege()).isEqualTo(Privilege.SUPERVISOR);
        assertThat(m.pc()).isEqualTo(S_HANDLER);
        assertThat(m.csr(Csr.SCAUSE)).isEqualTo(Cause.ECALL_FROM_U);
        assertThat(m.csr(Csr.SEPC)).isEqualTo(RAM + 4);
        assertThat(m.csr(Csr.STVAL)).isZero();
        assertThat(ms & Csr.SPP).as("came from U").isZero();
        assertThat(ms & Csr.SPIE).as("SPIE <- SIE").isNotZero();
        assertThat(ms & Csr.SIE_BIT).isZero();
        assertThat(m.csr(Csr.MCAUSE)).as("M state untouched").isZero();
    }

    @Test
    void delegatedExceptionFromSupervisorRecordsSpp() {
        int insn = 0xffffffff;
        m.setCsr(Csr.MEDELEG, 1L << Cause.ILLEGAL_INSTRUCTION);
        m.program(insn).privilege(Privilege.SUPERVISOR);
        m.run(1);
        assertThat(m.pc()).isEqualTo(S_HANDLER);
        assertThat(m.csr(Csr.SCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.STVAL)).isEqualTo(0xffffffffL);
        assertThat(m.csr(Csr.MSTATUS) & Csr.SPP).isNotZero();
    }

    @Test
    void delegationNeverLowersPrivilegeOfMachineModeTraps() {
        // 3.1.8: traps never transition from a more-privileged mode to a less-privileged mode.
        m.setCsr(Csr.MEDELEG, 1L << Cause.ILLEGAL_INSTRUCTION);
        m.program(0xffffffff);
        m.run(1);
        assertThat(m.privilege()).isEqualTo(Privilege.MACHINE);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.SCAUSE)).isZero();
        assertThat(m.inMachineHandler()).isTrue();
    }

    @Test
    void undelegatedExceptionFromSupervisorGoesToMachine() {
        m.setCsr(Csr.MEDELEG, 1L << Cause.ECALL_FROM_U);
        m.program(ecall()).privilege(Privilege.SUPERVISOR);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ECALL_FROM_S);
        assertThat(m.privilege()).isEqualTo(Privilege.MACHINE);
    }

    @Test
    void exceptionsUseTheVectorBaseEvenInVectoredMode() {
        m.program(ecall());
        m.setCsr(Csr.MTVEC, HANDLER | 1);
        m.run(1);
        assertThat(m.pc()).isEqualTo(HANDLER + 4);
        assertThat(m.x(T6)).isZero();
    }

    @Test
    void ecallThenMretResumesAfterTheEcall() {
        // handler: csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0; mret
        m.program(ecall(), addi(A0, ZERO, 5), jal(ZERO, 0));
        m.writeWords(HANDLER, csrr(T0, Csr.MEPC), addi(T0, T0, 4), csrw(Csr.MEPC, T0), mret());
        m.run(6);
        assertThat(m.x(A0)).isEqualTo(5);
        assertThat(m.pc()).isEqualTo(RAM + 8);
        assertThat(m.icount()).isEqualTo(6);
    }
}
