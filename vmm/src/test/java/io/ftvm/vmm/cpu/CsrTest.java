package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Zicsr (unprivileged spec chapter 9) and the CSR rules of the privileged spec 1.12 (chapter 2 and 3): which
 * instruction forms write, read-only CSRs, privilege encoded in the CSR number, WARL fields. Includes the corners
 * where QEMU 7.2 differs from the specification; this hart follows the specification.
 */
class CsrTest {
    private final TestMachine m = new TestMachine();

    private void expectIllegal(int insn) {
        assertThat(m.csr(Csr.MCAUSE)).as("mcause for 0x%08x", insn).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).as("mtval = instruction bits").isEqualTo(insn & 0xffffffffL);
        assertThat(m.inMachineHandler()).isTrue();
    }

    @Test
    void mepcAndSepcBitZeroAlwaysReadsZero() {
        // Privileged spec 3.1.14/4.1.7: mepc[0] is always zero; with IALIGN = 16 only bit 0 is masked.
        m.program(csrw(Csr.MEPC, A1), csrr(A0, Csr.MEPC), csrw(Csr.SEPC, A1), csrr(A2, Csr.SEPC),
                csrw(Csr.MEPC, A3), csrr(A4, Csr.MEPC)).set(A1, 0x8000_0003L).set(A3, -1L);
        m.run(6);
        assertThat(m.x(A0)).isEqualTo(0x8000_0002L);
        assertThat(m.x(A2)).isEqualTo(0x8000_0002L);
        assertThat(m.x(A4)).isEqualTo(-2L);
    }

    @Test
    void medelegBit11IsReadOnlyZero() {
        // Privileged spec 3.1.8: medeleg[11] (ECALL from M) is read-only zero.
        m.program(csrw(Csr.MEDELEG, A1), csrr(A0, Csr.MEDELEG)).set(A1, -1L);
        m.run(2);
        assertThat(m.x(A0) & (1L << 11)).isZero();
        assertThat(m.x(A0) & (1L << 8)).as("ecall from U is delegable").isNotZero();
    }

    @Test
    void csrrsWithNonZeroRs1HoldingZeroWritesAndSoTrapsOnReadOnlyCsr() {
        // Zicsr 9.1: CSRRS/CSRRC with rs1 != x0 always attempt a write, even if the value is 0; writing a
        // read-only CSR raises illegal instruction (privileged spec 2.1).
        int insn = csrrs(A0, Csr.MHARTID, T1);
        m.program(insn).set(T1, 0).set(A0, 77);
        m.run(1);
        expectIllegal(insn);
        assertThat(m.x(A0)).as("rd unchanged").isEqualTo(77);
        assertThat(m.x(T6)).as("did not retire").isZero();
    }

    @Test
    void csrrcWithNonZeroRs1OnReadOnlyCsrTraps() {
        int insn = csrrc(A0, Csr.MVENDORID, T1);
        m.program(insn).set(T1, 0);
        m.run(1);
        expectIllegal(insn);
    }

    @Test
    void readOnlyCsrReadsWithX0SourceOrZeroImmediateAreLegal() {
        m.program(csrrs(A0, Csr.MHARTID, ZERO), csrrc(A1, Csr.MVENDORID, ZERO), csrrsi(A2, Csr.MARCHID, 0),
                csrrci(A3, Csr.MIMPID, 0), nop()).set(A0, 5).set(A1, 5).set(A2, 5).set(A3, 5);
        m.run(5);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 20);
        assertThat(m.x(A0)).as("hart 0").isZero();
        assertThat(m.x(A1)).isZero();
        assertThat(m.x(A2)).isZero();
        assertThat(m.x(A3)).isZero();
    }

    @Test
    void csrrwAlwaysWritesEvenWithX0() {
        int insn = csrrw(ZERO, Csr.MHARTID, ZERO);
        m.program(insn);
        m.run(1);
        expectIllegal(insn);
    }

    @Test
    void csrrwiWithZeroImmediateStillWrites() {
        int insn = csrrwi(A0, Csr.MHARTID, 0);
        m.program(insn);
        m.run(1);
        expectIllegal(insn);
    }

    @Test
    void csrrsiAndCsrrciSetAndClearBits() {
        m.program(csrrwi(ZERO, Csr.MSCRATCH, 0x15), csrrsi(A0, Csr.MSCRATCH, 0x0a), csrrci(A1, Csr.MSCRATCH, 0x11),
                csrr(A2, Csr.MSCRATCH), csrrw(A3, Csr.MSCRATCH, A4)).set(A4, -1L);
        m.run(5);
        assertThat(m.x(A0)).isEqualTo(0x15);
        assertThat(m.x(A1)).isEqualTo(0x1f);
        assertThat(m.x(A2)).isEqualTo(0x0e);
        assertThat(m.x(A3)).isEqualTo(0x0e);
        assertThat(m.csr(Csr.MSCRATCH)).isEqualTo(-1L);
    }

    @Test
    void csrrsAndCsrrcWithRegisters() {
        m.program(csrw(Csr.MSCRATCH, A1), csrrs(A0, Csr.MSCRATCH, A2), csrrc(A3, Csr.MSCRATCH, A4),
                csrr(A5, Csr.MSCRATCH)).set(A1, 0xf0L).set(A2, 0x0fL).set(A4, 0x3cL);
        m.run(4);
        assertThat(m.x(A0)).isEqualTo(0xf0);
        assertThat(m.x(A3)).isEqualTo(0xff);
        assertThat(m.x(A5)).isEqualTo(0xc3);
    }

    @Test
    void misaReportsRv64Imafdcsu() {
        m.program(csrr(A0, Csr.MISA));
        m.run(1);
        long misa = m.x(A0);
        assertThat(misa >>> 62).as("MXL = 64").isEqualTo(2);
        for (char ext : "IMAFDCSU".toCharArray()) {
            assertThat(misa & (1L << (ext - 'A'))).as("extension %s", ext).isNotZero();
        }
        assertThat(misa & ~((3L << 62) | (1L << 0) | (1L << 2) | (1L << 3) | (1L << 5) | (1L << 8) | (1L << 12)
                | (1L << 18) | (1L << 20))).as("nothing else").isZero();
    }

    @Test
    void unimplementedCsrIsIllegal() {
        int insn = csrr(A0, 0x001); // fflags: no F extension
        m.program(insn);
        m.run(1);
        expectIllegal(insn);
    }

    @Test
    void machineCsrFromSupervisorIsIllegal() {
        int insn = csrr(A0, Csr.MSTATUS);
        m.program(insn).privilege(Privilege.SUPERVISOR);
        m.run(1);
        expectIllegal(insn);
        assertThat((m.csr(Csr.MSTATUS) & Csr.MPP) >>> Csr.MPP_SHIFT).isEqualTo(Privilege.SUPERVISOR);
    }

    @Test
    void supervisorCsrFromSupervisorIsLegalButNotFromUser() {
        m.program(csrr(A0, Csr.SSTATUS), csrr(A1, Csr.SSCRATCH)).privilege(Privilege.SUPERVISOR);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 8);

        TestMachine u = new TestMachine();
        int insn = csrr(A0, Csr.SSTATUS);
        u.program(insn).privilege(Privilege.USER);
        u.run(1);
        assertThat(u.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(u.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
    }

    @Test
    void sstatusIsARestrictedViewOfMstatus() {
        // Writes of SIE, SPIE, SPP, SUM, MXR go through; MIE, MPIE, MPP, MPRV are not visible nor writable.
        long sWritable = Csr.SIE_BIT | Csr.SPIE | Csr.SPP | Csr.SUM | Csr.MXR;
        m.program(csrw(Csr.SSTATUS, A1), csrr(A0, Csr.SSTATUS), csrr(A2, Csr.MSTATUS)).set(A1, -1L);
        m.run(3);
        assertThat(m.x(A2) & (Csr.MIE_BIT | Csr.MPIE | Csr.MPP | Csr.MPRV | Csr.TVM | Csr.TW | Csr.TSR)).isZero();
        assertThat(m.x(A2) & sWritable).isEqualTo(sWritable);
        assertThat(m.x(A0) & (Csr.MIE_BIT | Csr.MPIE | Csr.MPP)).isZero();
        assertThat(m.x(A0) & sWritable).isEqualTo(sWritable);
    }

    @Test
    void sieShowsOnlyDelegatedInterrupts() {
        m.program(csrw(Csr.MIDELEG, A1), csrw(Csr.SIE, A2), csrr(A0, Csr.MIE), csrr(A3, Csr.SIE))
                .set(A1, Csr.STIP).set(A2, -1L);
        m.run(4);
        assertThat(m.x(A0)).isEqualTo(Csr.STIP);
        assertThat(m.x(A3)).isEqualTo(Csr.STIP);
    }

    @Test
    void satpWriteWithUnsupportedModeHasNoEffect() {
        // Privileged spec 4.1.11: an unsupported MODE makes the whole write have no effect.
        m.program(csrw(Csr.SATP, A1), csrr(A0, Csr.SATP), csrw(Csr.SATP, A2), csrr(A3, Csr.SATP))
                .set(A1, (8L << 60) | 0x80020L).set(A2, (9L << 60) | 0x12345L);
        m.run(4);
        assertThat(m.x(A0)).isEqualTo((8L << 60) | 0x80020L);
        assertThat(m.x(A3)).isEqualTo((8L << 60) | 0x80020L);
    }

    @Test
    void minstretCountsRetiredInstructions() {
        m.program(nop(), nop(), csrr(A0, Csr.MINSTRET), csrr(A1, Csr.INSTRET), csrr(A2, Csr.CYCLE));
        m.run(5);
        assertThat(m.x(A0)).isEqualTo(2);
        assertThat(m.x(A1)).isEqualTo(3);
        assertThat(m.x(A2)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void writtenMinstretIsSeenByTheNextInstruction() {
        m.program(csrw(Csr.MINSTRET, A1), csrr(A0, Csr.MINSTRET), csrr(A2, Csr.MINSTRET)).set(A1, 1000);
        m.run(3);
        assertThat(m.x(A0)).isEqualTo(1000);
        assertThat(m.x(A2)).isEqualTo(1001);
    }

    @Test
    void mtvecKeepsModeAndBase() {
        m.program(csrw(Csr.MTVEC, A1), csrr(A0, Csr.MTVEC)).set(A1, RAM + 0x101);
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(RAM + 0x101);
    }
}
