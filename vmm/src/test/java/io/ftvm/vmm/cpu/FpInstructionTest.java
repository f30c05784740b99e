package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.DATA;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.fpu.FpFlags;
import org.junit.jupiter.api.Test;

/**
 * The F and D extensions on the hart: mstatus.FS (Off makes every floating-point instruction and CSR illegal, any
 * change of floating-point state makes it Dirty and sets SD), fflags/frm/fcsr, static and dynamic rounding modes
 * (reserved ones illegal), NaN-boxing through loads, stores and moves, the compressed double loads and stores, the
 * trap value of an illegal floating-point instruction (as fetched), misa, and interpreted and translated execution
 * agreeing on an FP loop.
 */
class FpInstructionTest {
    private static final int S = 0;
    private static final int D = 1;
    private static final long FS_INITIAL = 1L << 13;
    private static final long FS_DIRTY = 3L << 13;

    private final TestMachine m = new TestMachine();

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static long boxed(float v) {
        return Float.floatToRawIntBits(v) & 0xffff_ffffL | 0xffff_ffff_0000_0000L;
    }

    private TestMachine withFp() {
        return m.setCsr(Csr.MSTATUS, m.csr(Csr.MSTATUS) | FS_INITIAL);
    }

    private void expectIllegal(long tval) {
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).as("mtval: the instruction as fetched").isEqualTo(tval);
        assertThat(m.inMachineHandler()).isTrue();
    }

    @Test
    void misaReportsFAndD() {
        assertThat(m.csr(Csr.MISA) & (1 << 3)).as("D").isNotZero();
        assertThat(m.csr(Csr.MISA) & (1 << 5)).as("F").isNotZero();
    }

    @Test
    void withFsOffEveryFloatingPointInstructionAndCsrIsIllegal() {
        int fadd = fadd(D, 1, 2, 3, RNE);
        m.program(fadd).setF(1, 77);
        m.run(1);
        expectIllegal(fadd & 0xffffffffL);
        assertThat(m.f(1)).as("not written").isEqualTo(77);

        for (int insn : new int[] {fld(1, A0, 0), fsw(1, A0, 0), csrr(A1, Csr.FFLAGS), csrw(Csr.FRM, A1),
            fmvFromX(D, 1, A0)}) {
            TestMachine t = new TestMachine();
            t.program(insn).set(A0, DATA);
            t.run(1);
            assertThat(t.csr(Csr.MCAUSE)).as("0x%08x", insn).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
            assertThat(t.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
        }
        // compressed: c.fld f8, 0(x8) traps with its 16 bits
        TestMachine c = new TestMachine();
        c.program(new Asm.Program().half(0x2000)).set(S0, DATA);
        c.run(1);
        assertThat(c.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(c.csr(Csr.MTVAL)).isEqualTo(0x2000);
    }

    @Test
    void anFpWriteMakesFsDirtyAndSetsSd() {
        withFp().program(fadd(D, 1, 2, 3, RNE)).setF(2, bits(1.5)).setF(3, bits(2.25));
        m.run(1);
        assertThat(m.f(1)).isEqualTo(bits(3.75));
        assertThat(m.csr(Csr.MSTATUS) & Csr.FS).isEqualTo(FS_DIRTY);
        assertThat(m.csr(Csr.MSTATUS)).as("SD").isNegative();
        assertThat(m.csr(Csr.SSTATUS) & Csr.FS).isEqualTo(FS_DIRTY);
        assertThat(m.csr(Csr.SSTATUS)).as("SD in sstatus").isNegative();
    }

    @Test
    void flagsAccrueAndTheCsrsViewThem() {
        withFp().program(fdiv(D, 1, 2, 3, RNE), fdiv(D, 4, 2, 5, RNE), csrr(A0, Csr.FFLAGS), csrr(A1, Csr.FCSR),
                csrrwi(0, Csr.FFLAGS, 0), csrr(A2, Csr.FFLAGS))
                .setF(2, bits(1.0)).setF(3, bits(3.0)).setF(5, 0);
        m.run(6);
        assertThat(m.f(1)).isEqualTo(bits(1.0 / 3.0));
        assertThat(m.f(4)).isEqualTo(bits(Double.POSITIVE_INFINITY));
        assertThat(m.x(A0)).isEqualTo(FpFlags.NX | FpFlags.DZ);
        assertThat(m.x(A1)).isEqualTo(FpFlags.NX | FpFlags.DZ);
        assertThat(m.x(A2)).isZero();
    }

    @Test
    void theDynamicModeComesFromFrmAndAReservedFrmIsIllegalOnlyWhenUsed() {
        int dynamic = fdiv(D, 1, 2, 3, DYN);
        withFp().program(csrrwi(0, Csr.FRM, RUP), dynamic, csrrwi(0, Csr.FRM, 5), fadd(D, 4, 2, 3, RNE), dynamic)
                .setF(2, bits(2.0)).setF(3, bits(3.0));
        m.run(5);
        assertThat(m.f(1)).as("2/3 upwards (to nearest it rounds down)").isEqualTo(bits(2.0 / 3.0) + 1);
        assertThat(m.f(4)).as("a static mode still works").isEqualTo(bits(5.0));
        expectIllegal(dynamic & 0xffffffffL);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM + 16);
    }

    @Test
    void reservedStaticRoundingModesAndFormatsAreIllegal() {
        for (int insn : new int[] {fadd(D, 1, 2, 3, 5), fmul(S, 1, 2, 3, 6), fadd(2, 1, 2, 3, RNE),
            fadd(3, 1, 2, 3, RNE), fsqrt(D, 1, 2, RNE) | (1 << 20), fmin(D, 1, 2, 3) | (2 << 12)}) {
            TestMachine t = new TestMachine();
            t.setCsr(Csr.MSTATUS, t.csr(Csr.MSTATUS) | FS_INITIAL).program(insn);
            t.run(1);
            assertThat(t.csr(Csr.MCAUSE)).as("0x%08x", insn).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
            assertThat(t.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
        }
    }

    @Test
    void singlesAreNaNBoxedThroughLoadsStoresAndMoves() {
        m.poke(DATA, 4, Float.floatToRawIntBits(1.25f));
        withFp().program(flw(1, A0, 0), fsw(1, A0, 8), fmvToX(S, A1, 1), fmvFromX(S, 2, A2), fadd(S, 3, 4, 4, RNE),
                fmvToX(S, A3, 5), fadd(S, 6, 1, 1, RNE))
                .set(A0, DATA).set(A2, 0x1234_5678_bf80_0000L).setF(4, Float.floatToRawIntBits(1.0f))
                .setF(5, 0xffff_ffff_8000_0001L);
        m.run(7);
        assertThat(m.f(1)).isEqualTo(boxed(1.25f));
        assertThat(m.peek(DATA + 8, 8)).as("fsw stores 32 bits").isEqualTo(Float.floatToRawIntBits(1.25f));
        assertThat(m.x(A1)).isEqualTo(Float.floatToRawIntBits(1.25f));
        assertThat(m.f(2)).as("fmv.w.x boxes the low 32 bits").isEqualTo(boxed(-1.0f));
        assertThat(m.f(3)).as("an unboxed operand reads as the canonical NaN").isEqualTo(0xffff_ffff_7fc0_0000L);
        assertThat(m.x(A3)).as("fmv.x.w sign-extends, bits unchanged").isEqualTo(0xffff_ffff_8000_0001L);
        assertThat(m.f(6)).isEqualTo(boxed(2.5f));
    }

    @Test
    void compressedDoubleLoadsAndStores() {
        m.poke(DATA + 8, 8, bits(6.5));
        // c.fld f8, 8(x8); c.fsdsp f8, 16(sp); c.fldsp f0, 16(sp)
        Asm.Program p = new Asm.Program().half(0x2400).half(0xa822).half(0x2042);
        withFp().program(p).set(S0, DATA).set(SP, DATA + 64);
        m.run(3);
        assertThat(m.f(8)).isEqualTo(bits(6.5));
        assertThat(m.peek(DATA + 80, 8)).isEqualTo(bits(6.5));
        assertThat(m.f(0)).isEqualTo(bits(6.5));
    }

    @Test
    void fusedMultiplyAddsConversionsAndComparisons() {
        withFp().program(
                r4(0x43, D, 1, 2, 3, 4, RNE),   // fmadd.d  f1 = 2*3 + 0.5
                r4(0x47, D, 5, 2, 3, 4, RNE),   // fmsub.d  f5 = 2*3 - 0.5
                r4(0x4b, D, 6, 2, 3, 4, RNE),   // fnmsub.d f6 = -(2*3) + 0.5
                r4(0x4f, D, 7, 2, 3, 4, RNE),   // fnmadd.d f7 = -(2*3) - 0.5
                fcvtToInt(D, 0, A0, 1, RTZ),    // fcvt.w.d a0 = 6
                fcvtToInt(D, 1, A1, 7, RNE),    // fcvt.wu.d of -6.5: invalid, 0
                fcvtToInt(D, 2, 0, 1, RNE),     // to x0: nothing written
                fcvtFromInt(S, 0, 8, A2, RNE),  // fcvt.s.w f8 = -3
                fcvtDS(9, 8, RNE),              // fcvt.d.s f9 = -3
                flt(D, A3, 7, 9),               // -6.5 < -3
                feq(S, A4, 8, 8),
                fclass(D, A5, 7))
                .setF(2, bits(2.0)).setF(3, bits(3.0)).setF(4, bits(0.5)).set(A2, -3);
        m.run(12);
        assertThat(m.f(1)).isEqualTo(bits(6.5));
        assertThat(m.f(5)).isEqualTo(bits(5.5));
        assertThat(m.f(6)).isEqualTo(bits(-5.5));
        assertThat(m.f(7)).isEqualTo(bits(-6.5));
        assertThat(m.x(A0)).isEqualTo(6);
        assertThat(m.x(A1)).isZero();
        assertThat(m.x(0)).isZero();
        assertThat(m.f(8)).isEqualTo(boxed(-3f));
        assertThat(m.f(9)).isEqualTo(bits(-3.0));
        assertThat(m.x(A3)).isEqualTo(1);
        assertThat(m.x(A4)).isEqualTo(1);
        assertThat(m.x(A5)).isEqualTo(1 << 1); // negative normal
        assertThat(m.csr(Csr.FFLAGS)).isEqualTo(FpFlags.NV | FpFlags.NX); // 6.5 to an integer is inexact
    }

    @Test
    void translatedAndInterpretedFpLoopsAgree() {
        // f1 = 0; f2 = 0.1 (single); repeat 400: f1 = f1 * f3 + f4 (double); f2 = f2 / f5 + f2 (single, frm RUP)
        int[] loop = {
            csrrwi(0, Csr.FRM, RUP),
            addi(T0, ZERO, 400),
            r4(0x43, D, 1, 1, 3, 4, RNE),
            fdiv(S, 6, 2, 5, DYN),
            fadd(S, 2, 6, 2, DYN),
            fsd(1, A0, 0),
            fld(7, A0, 0),
            fsqrt(D, 8, 7, RDN),
            addi(T0, T0, -1),
            bne(T0, ZERO, -28),
            csrr(A1, Csr.FCSR),
            fmvToX(D, A2, 8),
            fmvToX(S, A3, 2),
            jal(0, 0)};
        long[] results = new long[2];
        int i = 0;
        for (boolean translate : new boolean[] {true, false}) {
            TestMachine t = new TestMachine();
            t.machine().cpu().setTranslation(translate);
            t.setCsr(Csr.MSTATUS, t.csr(Csr.MSTATUS) | FS_INITIAL).program(loop).set(A0, DATA)
                    .setF(1, 0).setF(2, boxed(0.1f)).setF(3, bits(1.0000001)).setF(4, bits(0.37))
                    .setF(5, boxed(1.7f));
            t.run(2 + 400 * 8 + 4);
            assertThat(t.pc()).isEqualTo(RAM + 4L * (loop.length - 1));
            results[i++] = t.x(A1) * 31 + t.x(A2) * 17 + t.x(A3) + t.f(1);
            if (translate) {
                assertThat(t.machine().cpu().blocksTranslated()).as("the loop was translated").isPositive();
            }
        }
        assertThat(results[0]).isEqualTo(results[1]);
    }
}
