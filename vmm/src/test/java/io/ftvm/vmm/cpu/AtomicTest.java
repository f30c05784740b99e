package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.DATA;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The A extension (unprivileged spec chapter 8): LR/SC reservations, every AMO in .W and .D width (.W values
 * sign-extended into rd, rs2[63:32] ignored), and alignment: misaligned LR raises a load address-misaligned
 * exception, misaligned SC/AMO a store/AMO address-misaligned exception (privileged spec 3.6.3.3).
 */
class AtomicTest {
    private final TestMachine m = new TestMachine();

    @Test
    void lrScSucceedsOnTheReservedAddress() {
        m.poke(DATA, 8, 41);
        m.program(lrD(A0, A1), addi(A0, A0, 1), scD(A2, A1, A0)).set(A1, DATA).set(A2, 99);
        m.run(3);
        assertThat(m.x(A2)).as("sc.d success").isZero();
        assertThat(m.peek(DATA, 8)).isEqualTo(42);
    }

    @Test
    void lrWSignExtendsAndScWStoresThirtyTwoBits() {
        m.poke(DATA, 8, 0x1111_1111_8000_0000L);
        m.program(lrW(A0, A1), scW(A2, A1, A3)).set(A1, DATA).set(A3, 0xabcd_ef01_2345_6789L);
        m.run(2);
        assertThat(m.x(A0)).isEqualTo(0xffff_ffff_8000_0000L);
        assertThat(m.x(A2)).isZero();
        assertThat(m.peek(DATA, 8)).isEqualTo(0x1111_1111_2345_6789L);
    }

    @Test
    void scWithoutReservationFailsAndDoesNotWrite() {
        m.poke(DATA, 8, 7);
        m.program(scD(A2, A1, A3)).set(A1, DATA).set(A3, 99);
        m.run(1);
        assertThat(m.x(A2)).as("failure code").isEqualTo(1);
        assertThat(m.peek(DATA, 8)).isEqualTo(7);
    }

    @Test
    void scToAnotherAddressFails() {
        m.poke(DATA, 8, 7).poke(DATA + 8, 8, 8);
        m.program(lrD(A0, A1), scD(A2, A4, A3)).set(A1, DATA).set(A4, DATA + 8).set(A3, 99);
        m.run(2);
        assertThat(m.x(A2)).isEqualTo(1);
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(8);
    }

    @Test
    void anyScClearsTheReservation() {
        m.program(lrD(A0, A1), scD(A2, A1, A3), scD(A4, A1, A5)).set(A1, DATA).set(A3, 5).set(A5, 6);
        m.run(3);
        assertThat(m.x(A2)).isZero();
        assertThat(m.x(A4)).isEqualTo(1);
        assertThat(m.peek(DATA, 8)).isEqualTo(5);
    }

    @Test
    void lrScRetryLoopIncrements() {
        // retry: lr.w t0, (a1); addi t0, t0, 1; sc.w t1, t0, (a1); bnez t1, retry; addi a0, a0, 1; blt a0, a2, retry
        m.program(lrW(T0, A1), addi(T0, T0, 1), scW(T1, A1, T0), bne(T1, ZERO, -12), addi(A0, A0, 1),
                blt(A0, A2, -20), jal(ZERO, 0)).set(A1, DATA).set(A2, 10);
        m.run(60);
        assertThat(m.peek(DATA, 4)).isEqualTo(10);
    }

    static Stream<Arguments> amos() {
        // memory holds -16, rs2 holds 3 (with garbage in rs2[63:32] for the .W forms)
        return Stream.of(
                Arguments.of("amoadd", AMOADD, -13L),
                Arguments.of("amoswap", AMOSWAP, 3L),
                Arguments.of("amoxor", AMOXOR, -16L ^ 3L),
                Arguments.of("amoor", AMOOR, -16L | 3L),
                Arguments.of("amoand", AMOAND, 0L),
                Arguments.of("amomin", AMOMIN, -16L),
                Arguments.of("amomax", AMOMAX, 3L),
                Arguments.of("amominu", AMOMINU, 3L),
                Arguments.of("amomaxu", AMOMAXU, -16L));
    }

    @ParameterizedTest(name = "{0}.w")
    @MethodSource("amos")
    void amoWord(String name, int funct5, long expected) {
        m.poke(DATA, 8, 0x5555_5555_ffff_fff0L);
        m.program(amo(funct5, 4, A0, A1, A2)).set(A1, DATA).set(A2, 0x7fff_0000_0000_0003L);
        m.run(1);
        assertThat(m.pc()).as("no trap").isEqualTo(RAM + 4);
        assertThat(m.x(A0)).as("old value, sign-extended").isEqualTo(-16L);
        assertThat(m.peek(DATA, 4)).isEqualTo(expected & 0xffff_ffffL);
        assertThat(m.peek(DATA + 4, 4)).as("next word untouched").isEqualTo(0x5555_5555L);
    }

    @ParameterizedTest(name = "{0}.d")
    @MethodSource("amos")
    void amoDoubleword(String name, int funct5, long expected) {
        m.poke(DATA + 8, 8, -16L);
        m.program(amo(funct5, 8, A0, A1, A2)).set(A1, DATA + 8).set(A2, 3L);
        m.run(1);
        assertThat(m.pc()).as("no trap").isEqualTo(RAM + 4);
        assertThat(m.x(A0)).isEqualTo(-16L);
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(expected);
    }

    @Test
    void amoWithRdEqualRs2ReadsTheOldSource() {
        m.poke(DATA, 8, 10);
        m.program(amo(AMOADD, 8, A2, A1, A2)).set(A1, DATA).set(A2, 5);
        m.run(1);
        assertThat(m.x(A2)).isEqualTo(10);
        assertThat(m.peek(DATA, 8)).isEqualTo(15);
    }

    @Test
    void misalignedAmoIsAStoreAmoMisalignedException() {
        m.poke(DATA, 8, 1);
        m.program(amo(AMOADD, 4, A0, A1, A2)).set(A1, DATA + 2).set(A2, 5).set(A0, 77);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_MISALIGNED);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(DATA + 2);
        assertThat(m.x(A0)).isEqualTo(77);
        assertThat(m.peek(DATA, 8)).isEqualTo(1);
        assertThat(m.x(T6)).as("not retired").isZero();
    }

    @Test
    void misalignedAmoDoublewordOnAWordBoundary() {
        m.program(amo(AMOSWAP, 8, A0, A1, A2)).set(A1, DATA + 4);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_MISALIGNED);
    }

    @Test
    void misalignedLrIsALoadMisalignedException() {
        m.program(lrD(A0, A1)).set(A1, DATA + 4).set(A0, 77);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.LOAD_MISALIGNED);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(DATA + 4);
        assertThat(m.x(A0)).isEqualTo(77);
    }

    @Test
    void misalignedScIsAStoreMisalignedException() {
        m.program(lrW(A0, A1), scW(A2, A3, A4)).set(A1, DATA).set(A3, DATA + 1).set(A2, 77);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_MISALIGNED);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(DATA + 1);
        assertThat(m.x(A2)).isEqualTo(77);
    }

    @Test
    void amoOnUnmappedAddressIsAStoreAmoAccessFault() {
        m.program(amo(AMOOR, 8, A0, A1, A2)).set(A1, 0x9000_0000L);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_ACCESS_FAULT);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(0x9000_0000L);
    }

    @Test
    void lrWithNonZeroRs2IsReserved() {
        int insn = lrD(A0, A1) | (A2 << 20);
        m.program(insn).set(A1, DATA);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(insn & 0xffffffffL);
    }
}
