package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The M extension (unprivileged spec chapter 7), including table 7.1: division by zero gives all ones (quotient)
 * and the dividend (remainder); signed overflow gives the dividend and remainder 0. W forms sign-extend.
 */
class MulDivTest {
    private static final long MIN = Long.MIN_VALUE;
    private static final TestMachine M = new TestMachine();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("mul low bits", mul(A0, A1, A2), 0x1_0000_0001L, 0x1_0000_0001L, 0x2_0000_0001L),
                Arguments.of("mul signed", mul(A0, A1, A2), -3L, 7L, -21L),
                Arguments.of("mulh -1*-1", mulh(A0, A1, A2), -1L, -1L, 0L),
                Arguments.of("mulh min*min", mulh(A0, A1, A2), MIN, MIN, 0x4000_0000_0000_0000L),
                Arguments.of("mulh -1*1", mulh(A0, A1, A2), -1L, 1L, -1L),
                Arguments.of("mulhu max*max", mulhu(A0, A1, A2), -1L, -1L, 0xffff_ffff_ffff_fffeL),
                Arguments.of("mulhu", mulhu(A0, A1, A2), 1L << 32, 1L << 40, 1L << 8),
                Arguments.of("mulhsu -1*max", mulhsu(A0, A1, A2), -1L, -1L, -1L),
                Arguments.of("mulhsu 2*max", mulhsu(A0, A1, A2), 2L, -1L, 1L),
                Arguments.of("mulhsu min*2", mulhsu(A0, A1, A2), MIN, 2L, -1L),
                Arguments.of("div truncates", div(A0, A1, A2), -7L, 2L, -3L),
                Arguments.of("div by zero", div(A0, A1, A2), 42L, 0L, -1L),
                Arguments.of("div overflow", div(A0, A1, A2), MIN, -1L, MIN),
                Arguments.of("divu", divu(A0, A1, A2), -1L, 2L, 0x7fff_ffff_ffff_ffffL),
                Arguments.of("divu by zero", divu(A0, A1, A2), 42L, 0L, -1L),
                Arguments.of("rem sign of dividend", rem(A0, A1, A2), -7L, 2L, -1L),
                Arguments.of("rem positive dividend", rem(A0, A1, A2), 7L, -2L, 1L),
                Arguments.of("rem by zero", rem(A0, A1, A2), -42L, 0L, -42L),
                Arguments.of("rem overflow", rem(A0, A1, A2), MIN, -1L, 0L),
                Arguments.of("remu", remu(A0, A1, A2), -1L, 10L, 5L),
                Arguments.of("remu by zero", remu(A0, A1, A2), -5L, 0L, -5L),
                Arguments.of("mulw sign-extends", mulw(A0, A1, A2), 0x7fff_ffffL, 2L, -2L),
                Arguments.of("mulw ignores high bits", mulw(A0, A1, A2), 0xabcd_0000_0000_0003L,
                        0x1234_0000_0000_0005L, 15L),
                Arguments.of("divw", divw(A0, A1, A2), 0x1_0000_0007L, 2L, 3L),
                Arguments.of("divw negative", divw(A0, A1, A2), 0xffff_fff9L, 2L, -3L),
                Arguments.of("divw by zero", divw(A0, A1, A2), 5L, 0x1_0000_0000L, -1L),
                Arguments.of("divw overflow", divw(A0, A1, A2), 0x8000_0000L, -1L, 0xffff_ffff_8000_0000L),
                Arguments.of("divuw", divuw(A0, A1, A2), 0xffff_ffffL, 1L, -1L),
                Arguments.of("divuw", divuw(A0, A1, A2), 0xffff_fffeL, 2L, 0x7fff_ffffL),
                Arguments.of("divuw by zero", divuw(A0, A1, A2), 5L, 0L, -1L),
                Arguments.of("remw", remw(A0, A1, A2), -7L, 2L, -1L),
                Arguments.of("remw by zero", remw(A0, A1, A2), 0x1_8000_0000L, 0L, 0xffff_ffff_8000_0000L),
                Arguments.of("remw overflow", remw(A0, A1, A2), 0x8000_0000L, -1L, 0L),
                Arguments.of("remuw", remuw(A0, A1, A2), 0x8000_0005L, 0x10L, 5L),
                Arguments.of("remuw by zero", remuw(A0, A1, A2), 0x8000_0000L, 0L, 0xffff_ffff_8000_0000L),
                Arguments.of("remuw sign-extends", remuw(A0, A1, A2), 0xffff_ffffL, 0xffff_fffeL, 1L));
    }

    @ParameterizedTest(name = "{0}: {2} op {3}")
    @MethodSource("cases")
    void computes(String name, int insn, long a, long b, long expected) {
        M.program(insn).set(A1, a).set(A2, b);
        M.run(1);
        assertThat(M.pc()).as("no trap").isEqualTo(TestMachine.RAM + 4);
        assertThat(M.x(A0)).isEqualTo(expected);
    }
}
