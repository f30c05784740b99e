package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.DATA;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Loads and stores (unprivileged spec 2.6 and 5.3): sign/zero extension, little-endian byte order, misaligned
 * accesses (this machine performs them, also across a page boundary), access faults, and stores to code.
 */
class LoadStoreTest {
    private static final long PATTERN = 0xf0e1_d2c3_b4a5_9687L;
    private final TestMachine m = new TestMachine();

    private long load(int insn, long address) {
        m.program(insn).set(A1, address).set(A0, 0x77);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).as("no trap").isZero();
        return m.x(A0);
    }

    @Test
    void loadsSignAndZeroExtend() {
        m.poke(DATA, 8, PATTERN);
        assertThat(load(lb(A0, A1, 0), DATA)).isEqualTo(0xffff_ffff_ffff_ff87L);
        assertThat(load(lbu(A0, A1, 0), DATA)).isEqualTo(0x87L);
        assertThat(load(lb(A0, A1, 2), DATA)).isEqualTo(0xffff_ffff_ffff_ffa5L);
        assertThat(load(lh(A0, A1, 0), DATA)).isEqualTo(0xffff_ffff_ffff_9687L);
        assertThat(load(lhu(A0, A1, 0), DATA)).isEqualTo(0x9687L);
        assertThat(load(lw(A0, A1, 0), DATA)).isEqualTo(0xffff_ffff_b4a5_9687L);
        assertThat(load(lwu(A0, A1, 0), DATA)).isEqualTo(0xb4a5_9687L);
        assertThat(load(ld(A0, A1, 0), DATA)).isEqualTo(PATTERN);
        m.poke(DATA + 8, 8, 0x0000_0000_7fff_7f7fL);
        assertThat(load(lb(A0, A1, 8), DATA)).isEqualTo(0x7fL);
        assertThat(load(lh(A0, A1, 8), DATA)).isEqualTo(0x7f7fL);
        assertThat(load(lw(A0, A1, 8), DATA)).isEqualTo(0x7fff_7f7fL);
    }

    @Test
    void negativeOffsetsAndRdEqualRs1() {
        m.poke(DATA, 8, PATTERN);
        assertThat(load(ld(A0, A1, -8), DATA + 8)).isEqualTo(PATTERN);
        m.program(ld(A1, A1, -2048)).set(A1, DATA + 2048);
        m.run(1);
        assertThat(m.x(A1)).isEqualTo(PATTERN);
    }

    @Test
    void storesWriteOnlyTheirWidthLittleEndian() {
        m.poke(DATA, 8, -1L).poke(DATA + 8, 8, -1L).poke(DATA + 16, 8, -1L).poke(DATA + 24, 8, -1L);
        m.program(sb(A2, A1, 0), sh(A2, A1, 8), sw(A2, A1, 16), sd(A2, A1, 24))
                .set(A1, DATA).set(A2, 0x1122_3344_5566_7788L);
        m.run(4);
        assertThat(m.peek(DATA, 8)).isEqualTo(0xffff_ffff_ffff_ff88L);
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(0xffff_ffff_ffff_7788L);
        assertThat(m.peek(DATA + 16, 8)).isEqualTo(0xffff_ffff_5566_7788L);
        assertThat(m.peek(DATA + 24, 8)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(m.peek(DATA + 24, 1)).isEqualTo(0x88L);
    }

    @Test
    void misalignedLoadsArePerformed() {
        m.poke(DATA, 8, 0x0807_0605_0403_0201L).poke(DATA + 8, 8, 0x100f_0e0d_0c0b_0a09L);
        assertThat(load(lh(A0, A1, 1), DATA)).isEqualTo(0x0302L);
        assertThat(load(lw(A0, A1, 3), DATA)).isEqualTo(0x0706_0504L);
        assertThat(load(ld(A0, A1, 5), DATA)).isEqualTo(0x0d0c_0b0a_0908_0706L);
        assertThat(load(lwu(A0, A1, 7), DATA)).isEqualTo(0x0b0a_0908L);
    }

    @Test
    void misalignedStoresArePerformed() {
        m.program(sd(A2, A1, 5), sw(A3, A1, 17), sh(A3, A1, 23))
                .set(A1, DATA).set(A2, 0x1122_3344_5566_7788L).set(A3, 0xa1b2_c3d4L);
        m.run(3);
        assertThat(m.peek(DATA, 8)).isEqualTo(0x6677_8800_0000_0000L);
        assertThat(m.peek(DATA + 8, 8)).isEqualTo(0x0000_0011_2233_4455L);
        assertThat(m.peek(DATA + 16, 8)).isEqualTo(0xd400_00a1_b2c3_d400L);
    }

    @Test
    void misalignedAccessesAcrossAPageBoundary() {
        long boundary = DATA + 0x1000;
        m.poke(boundary - 4, 4, 0x4433_2211L).poke(boundary, 4, 0x8877_6655L);
        assertThat(load(ld(A0, A1, -3), boundary)).isEqualTo(0x0088_7766_5544_3322L);
        m.program(sd(A2, A1, -5)).set(A1, boundary).set(A2, 0x0102_0304_0506_0708L);
        m.run(1);
        assertThat(m.peek(boundary - 8, 8)).isEqualTo(0x0405_0607_0800_0000L);
        assertThat(m.peek(boundary, 4)).isEqualTo(0x8801_0203L);
    }

    @Test
    void loadToX0HasNoEffect() {
        m.poke(DATA, 8, PATTERN);
        m.program(ld(ZERO, A1, 0)).set(A1, DATA);
        m.run(1);
        assertThat(m.x(ZERO)).isZero();
        assertThat(m.pc()).isEqualTo(RAM + 4);
    }

    @Test
    void loadFromUnmappedAddressIsAnAccessFault() {
        m.program(addi(T0, ZERO, 1), lw(A0, A1, 4)).set(A1, 0x9000_0000L).set(A0, 42);
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.LOAD_ACCESS_FAULT);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(0x9000_0004L);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM + 4);
        assertThat(m.x(A0)).as("rd unchanged").isEqualTo(42);
        assertThat(m.x(T6)).as("faulting load did not retire").isEqualTo(1);
    }

    @Test
    void storeToUnmappedAddressIsAStoreAccessFault() {
        m.program(sd(A2, A1, 0)).set(A1, 0x9000_0008L);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.STORE_ACCESS_FAULT);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(0x9000_0008L);
        assertThat(m.x(T6)).isZero();
    }

    @Test
    void loadJustPastTheEndOfRamFaults() {
        long end = RAM + m.machine().ram().size();
        m.poke(end - 8, 8, PATTERN);
        assertThat(load(ld(A0, A1, -8), end)).isEqualTo(PATTERN);
        m.program(ld(A0, A1, -4)).set(A1, end);
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.LOAD_ACCESS_FAULT);
    }

    @Test
    void storeToCodeIsSeenAfterFenceI() {
        // sw a2, 12(a1); fence.i; addi a0, x0, 1 (patched); j .  -- the store replaces the third instruction.
        m.program(sw(A2, A1, 8), fenceI(), addi(A0, ZERO, 1), jal(ZERO, 0))
                .set(A1, RAM).set(A2, addi(A0, ZERO, 99));
        m.run(3);
        assertThat(m.x(A0)).isEqualTo(99);
    }

    @Test
    void storeOfA16BitParcelIntoCodeIsSeen() {
        // The first run decodes c.li a0, 1; then the program is rerun after its own store changes it.
        Asm.Program p = new Asm.Program().add(sh(A2, A1, 8), fenceI()).half(0x4505).half(0x0001)
                .add(jal(ZERO, 0));
        m.program(p).set(A1, RAM).set(A2, 0x4525); // c.li a0, 9
        m.run(3);
        assertThat(m.x(A0)).isEqualTo(9);
    }
}
