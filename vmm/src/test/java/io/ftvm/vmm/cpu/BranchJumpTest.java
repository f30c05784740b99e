package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Control transfer (unprivileged spec 2.5): JAL, JALR (target bit 0 cleared, rd written after), branches. */
class BranchJumpTest {
    private final TestMachine m = new TestMachine();

    static Stream<Arguments> branches() {
        return Stream.of(
                Arguments.of("beq taken", beq(A1, A2, 16), 5L, 5L, true),
                Arguments.of("beq not taken", beq(A1, A2, 16), 5L, 6L, false),
                Arguments.of("bne taken", bne(A1, A2, 16), 5L, 6L, true),
                Arguments.of("bne not taken", bne(A1, A2, 16), -1L, -1L, false),
                Arguments.of("blt signed taken", blt(A1, A2, 16), -1L, 0L, true),
                Arguments.of("blt signed not taken", blt(A1, A2, 16), 0L, -1L, false),
                Arguments.of("blt equal", blt(A1, A2, 16), 3L, 3L, false),
                Arguments.of("bge equal taken", bge(A1, A2, 16), 3L, 3L, true),
                Arguments.of("bge signed", bge(A1, A2, 16), -1L, 0L, false),
                Arguments.of("bge min", bge(A1, A2, 16), 0L, Long.MIN_VALUE, true),
                Arguments.of("bltu unsigned", bltu(A1, A2, 16), 0L, -1L, true),
                Arguments.of("bltu not taken", bltu(A1, A2, 16), -1L, 0L, false),
                Arguments.of("bgeu unsigned", bgeu(A1, A2, 16), -1L, 0L, true),
                Arguments.of("bgeu equal", bgeu(A1, A2, 16), 7L, 7L, true),
                Arguments.of("bgeu not taken", bgeu(A1, A2, 16), 0L, 1L, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("branches")
    void branchCompares(String name, int insn, long a, long b, boolean taken) {
        m.program(insn).set(A1, a).set(A2, b);
        m.run(1);
        assertThat(m.pc()).isEqualTo(taken ? RAM + 16 : RAM + 4);
        assertThat(m.icount()).isEqualTo(1);
    }

    @Test
    void backwardBranchAndLoop() {
        // a0 = 0; a1 = 5; loop: a0 += 3; a1 -= 1; bnez a1, loop
        m.program(addi(A0, ZERO, 0), addi(A1, ZERO, 5), addi(A0, A0, 3), addi(A1, A1, -1), bne(A1, ZERO, -8),
                jal(ZERO, 0));
        m.run(2 + 5 * 3);
        assertThat(m.x(A0)).isEqualTo(15);
        assertThat(m.pc()).isEqualTo(RAM + 20);
    }

    @Test
    void jalLinksAndJumps() {
        m.program(nop(), jal(RA, 0x800), nop());
        m.run(2);
        assertThat(m.x(RA)).isEqualTo(RAM + 8);
        assertThat(m.pc()).isEqualTo(RAM + 4 + 0x800);
    }

    @Test
    void jalBackwardWithX0Link() {
        m.program(nop(), nop(), jal(ZERO, -8));
        m.run(3);
        assertThat(m.pc()).isEqualTo(RAM);
        assertThat(m.x(ZERO)).isZero();
    }

    @Test
    void jalrClearsBitZeroOfTheTarget() {
        m.program(jalr(RA, A1, 0x11)).set(A1, RAM + 0x100);
        m.run(1);
        assertThat(m.pc()).isEqualTo(RAM + 0x110);
        assertThat(m.x(RA)).isEqualTo(RAM + 4);
    }

    @Test
    void jalrWithNegativeOffset() {
        m.program(jalr(T0, A1, -0x10)).set(A1, RAM + 0x110);
        m.run(1);
        assertThat(m.pc()).isEqualTo(RAM + 0x100);
        assertThat(m.x(T0)).isEqualTo(RAM + 4);
    }

    @Test
    void jalrWithRdEqualRs1UsesTheOldValue() {
        m.program(jalr(A1, A1, 4)).set(A1, RAM + 0x200);
        m.run(1);
        assertThat(m.pc()).isEqualTo(RAM + 0x204);
        assertThat(m.x(A1)).isEqualTo(RAM + 4);
    }

    @Test
    void jalrToA2ByteAlignedTargetIsAllowedWithC() {
        // IALIGN = 16 with the C extension: no instruction-address-misaligned exception (spec 1.5/2.5).
        Asm.Program p = new Asm.Program().add(jalr(RA, A1, 0)).half(0x0001).half(0x4515); // c.nop; c.li a0, 5
        m.program(p).set(A1, RAM + 6);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
        assertThat(m.x(A0)).isEqualTo(5);
        assertThat(m.pc()).isEqualTo(RAM + 8);
    }

    @Test
    void reservedBranchFunct3IsIllegal() {
        int insn = beq(A1, A2, 8) | 2 << 12;
        m.program(insn);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM);
    }
}
