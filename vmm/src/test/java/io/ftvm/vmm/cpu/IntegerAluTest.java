package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * RV64I integer computational instructions (unprivileged spec 20191213, sections 2.4 and 5.2): register and
 * immediate forms, the W forms (operate on the low 32 bits, sign-extend the 32-bit result), and shift amounts
 * taken from the low 6 (or 5 for W) bits of rs2.
 */
class IntegerAluTest {
    private static final TestMachine M = new TestMachine();
    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;

    /** Executes one instruction with a1 = a, a2 = b and returns a0. */
    static long exec(int insn, long a, long b) {
        M.program(insn);
        M.set(A0, 0x5a5a5a5a5a5a5a5aL).set(A1, a).set(A2, b);
        M.run(1);
        assertThat(M.pc()).as("no trap").isEqualTo(TestMachine.RAM + 4);
        return M.x(A0);
    }

    static Stream<Arguments> registerForms() {
        return Stream.of(
                Arguments.of("add wraps", add(A0, A1, A2), MAX, 1L, MIN),
                Arguments.of("sub", sub(A0, A1, A2), 5L, 7L, -2L),
                Arguments.of("sub wraps", sub(A0, A1, A2), MIN, 1L, MAX),
                Arguments.of("sll uses rs2[5:0]", sll(A0, A1, A2), 1L, 65L, 2L),
                Arguments.of("sll by 63", sll(A0, A1, A2), 1L, 63L, MIN),
                Arguments.of("srl logical", srl(A0, A1, A2), MIN, 63L, 1L),
                Arguments.of("srl uses rs2[5:0]", srl(A0, A1, A2), 0x100L, 0xffff_ffff_ffff_ff44L, 0x10L),
                Arguments.of("sra arithmetic", sra(A0, A1, A2), MIN, 63L, -1L),
                Arguments.of("sra uses rs2[5:0]", sra(A0, A1, A2), -256L, 64L + 4, -16L),
                Arguments.of("slt signed", slt(A0, A1, A2), -1L, 1L, 1L),
                Arguments.of("slt equal", slt(A0, A1, A2), 3L, 3L, 0L),
                Arguments.of("sltu unsigned", sltu(A0, A1, A2), -1L, 1L, 0L),
                Arguments.of("sltu snez idiom", sltu(A0, ZERO, A2), 0L, 5L, 1L),
                Arguments.of("xor", xor(A0, A1, A2), 0xff00L, 0x0ff0L, 0xf0f0L),
                Arguments.of("or", or(A0, A1, A2), 0xff00L, 0x0ff0L, 0xfff0L),
                Arguments.of("and", and(A0, A1, A2), 0xff00L, 0x0ff0L, 0x0f00L),
                Arguments.of("addw sign-extends", addw(A0, A1, A2), 0x7fff_ffffL, 1L, 0xffff_ffff_8000_0000L),
                Arguments.of("addw ignores high bits", addw(A0, A1, A2), 0x1234_0000_0000_0001L,
                        0x5678_0000_0000_0002L, 3L),
                Arguments.of("subw", subw(A0, A1, A2), 0L, 1L, -1L),
                Arguments.of("subw wraps 32", subw(A0, A1, A2), 0x8000_0000L, 1L, 0x7fff_ffffL),
                Arguments.of("sllw uses rs2[4:0]", sllw(A0, A1, A2), 0x4000_0000L, 33L, 0xffff_ffff_8000_0000L),
                Arguments.of("sllw drops high", sllw(A0, A1, A2), 0xffff_0000_0000_0001L, 4L, 0x10L),
                Arguments.of("srlw zero-fills bit 31", srlw(A0, A1, A2), 0xffff_ffff_8000_0000L, 1L,
                        0x4000_0000L),
                Arguments.of("srlw by 0 sign-extends", srlw(A0, A1, A2), 0x0000_0000_8000_0000L, 32L,
                        0xffff_ffff_8000_0000L),
                Arguments.of("sraw", sraw(A0, A1, A2), 0x0000_0000_8000_0000L, 4L, 0xffff_ffff_f800_0000L),
                Arguments.of("sraw uses rs2[4:0]", sraw(A0, A1, A2), 0x0000_0000_8000_0000L, 36L,
                        0xffff_ffff_f800_0000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registerForms")
    void registerForm(String name, int insn, long a, long b, long expected) {
        assertThat(exec(insn, a, b)).isEqualTo(expected);
    }

    static Stream<Arguments> immediateForms() {
        return Stream.of(
                Arguments.of("addi negative", addi(A0, A1, -2048), 0L, -2048L),
                Arguments.of("addi max", addi(A0, A1, 2047), 1L, 2048L),
                Arguments.of("slti signed", slti(A0, A1, 0), -5L, 1L),
                Arguments.of("sltiu imm -1 is all ones", sltiu(A0, A1, -1), 0xffff_ffff_ffff_fffeL, 1L),
                Arguments.of("seqz", sltiu(A0, A1, 1), 0L, 1L),
                Arguments.of("seqz nonzero", sltiu(A0, A1, 1), MIN, 0L),
                Arguments.of("xori not", xori(A0, A1, -1), 0x0f0fL, ~0x0f0fL),
                Arguments.of("ori sign-extended imm", ori(A0, A1, -2048), 0x1L, 0xffff_ffff_ffff_f801L),
                Arguments.of("andi sign-extended imm", andi(A0, A1, -16), 0x1234_5678_9abc_def7L,
                        0x1234_5678_9abc_def0L),
                Arguments.of("slli 63", slli(A0, A1, 63), 3L, MIN),
                Arguments.of("slli 32", slli(A0, A1, 32), 0x1_2345_6789L, 0x2345_6789_0000_0000L),
                Arguments.of("srli 63", srli(A0, A1, 63), -1L, 1L),
                Arguments.of("srai 63", srai(A0, A1, 63), MIN, -1L),
                Arguments.of("srai 4", srai(A0, A1, 4), 0x8000_0000_0000_0000L, 0xf800_0000_0000_0000L),
                Arguments.of("addiw sign-extends", addiw(A0, A1, 1), 0x7fff_ffffL, 0xffff_ffff_8000_0000L),
                Arguments.of("sext.w", addiw(A0, A1, 0), 0x1234_5678_8765_4321L, 0xffff_ffff_8765_4321L),
                Arguments.of("slliw", slliw(A0, A1, 31), 0xffff_ffff_0000_0001L, 0xffff_ffff_8000_0000L),
                Arguments.of("srliw ignores high bits", srliw(A0, A1, 4), 0x1234_5678_8000_0000L,
                        0x0800_0000L),
                Arguments.of("srliw by 0 sign-extends", srliw(A0, A1, 0), 0x8000_0000L,
                        0xffff_ffff_8000_0000L),
                Arguments.of("sraiw", sraiw(A0, A1, 4), 0x1234_5678_8000_0000L, 0xffff_ffff_f800_0000L),
                Arguments.of("sraiw 31", sraiw(A0, A1, 31), 0x7fff_ffffL, 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("immediateForms")
    void immediateForm(String name, int insn, long a, long expected) {
        assertThat(exec(insn, a, 0)).isEqualTo(expected);
    }

    @Test
    void luiSignExtendsAndClearsLowBits() {
        assertThat(exec(lui(A0, 0x80000), 0, 0)).isEqualTo(0xffff_ffff_8000_0000L);
        assertThat(exec(lui(A0, 0x7ffff), 0, 0)).isEqualTo(0x7fff_f000L);
    }

    @Test
    void auipcAddsToItsOwnPc() {
        M.program(nop(), auipc(A0, 1), auipc(A1, 0xfffff));
        M.run(3);
        assertThat(M.x(A0)).isEqualTo(TestMachine.RAM + 4 + 0x1000);
        assertThat(M.x(A1)).isEqualTo(TestMachine.RAM + 8 - 0x1000);
    }

    @Test
    void writesToX0AreDiscarded() {
        M.program(addi(ZERO, ZERO, 5), lui(ZERO, 1), add(A0, ZERO, ZERO));
        M.run(3);
        assertThat(M.x(ZERO)).isZero();
        assertThat(M.x(A0)).isZero();
    }

    @Test
    void reservedShiftEncodingsAreIllegal() {
        // SLLIW/SRLIW/SRAIW with imm[5] = 1 are reserved (spec 5.2); so is SLLI with imm[11:6] != 0.
        int[] reserved = {slliw(A0, A1, 0) | 1 << 25, srliw(A0, A1, 0) | 1 << 25, sraiw(A0, A1, 0) | 1 << 25,
            slli(A0, A1, 0) | 1 << 27, add(A0, A1, A2) | 1 << 26};
        for (int insn : reserved) {
            TestMachine m = new TestMachine();
            m.program(insn).set(A0, 77);
            m.run(1);
            assertThat(m.csr(Csr.MCAUSE)).as("0x%08x", insn).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
            assertThat(m.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
            assertThat(m.x(A0)).isEqualTo(77);
        }
    }
}
