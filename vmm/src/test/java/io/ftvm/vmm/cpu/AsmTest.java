package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The test assembler against encodings produced by the GNU assembler (objdump of reference code). */
class AsmTest {

    @Test
    void encodesBaseFormats() {
        assertThat(addi(RA, ZERO, 1)).isEqualTo(0x00100093);
        assertThat(lui(A0, 0x12345)).isEqualTo(0x12345537);
        assertThat(jal(RA, 0)).isEqualTo(0x000000ef);
        assertThat(jal(ZERO, -4)).isEqualTo(0xffdff06f);
        assertThat(beq(ZERO, ZERO, 8)).isEqualTo(0x00000463);
        assertThat(bne(A0, A1, -4)).isEqualTo(0xfeb51ee3);
        assertThat(sd(RA, SP, 8)).isEqualTo(0x00113423);
        assertThat(sw(A1, A0, -4)).isEqualTo(0xfeb52e23);
        assertThat(ld(RA, SP, 8)).isEqualTo(0x00813083);
        assertThat(jalr(ZERO, RA, 0)).isEqualTo(0x00008067);
        assertThat(srai(A0, A0, 63)).isEqualTo(0x43f55513);
        assertThat(mul(A0, A1, A2)).isEqualTo(0x02c58533);
    }

    @Test
    void encodesSystemAndAtomics() {
        assertThat(csrr(A0, Csr.MHARTID)).isEqualTo(0xf1402573);
        assertThat(csrw(Csr.MTVEC, T0)).isEqualTo(0x30529073);
        assertThat(lrW(A0, A1)).isEqualTo(0x1005a52f);
        assertThat(scW(A0, A1, A2)).isEqualTo(0x18c5a52f);
        assertThat(amo(AMOSWAP, 8, A0, A1, A2)).isEqualTo(0x08c5b52f);
        assertThat(sfenceVma(ZERO, ZERO)).isEqualTo(0x12000073);
    }

    @Test
    void liProducesTheValueOnTheHart() {
        long[] values = {0, 1, -1, 2047, -2048, 2048, 0x7fffffffL, 0x7ffff800L, -0x80000000L, 0x80000000L,
            0xffffffffL, 0x8000_0000_0000_0000L, 0x7fff_ffff_ffff_ffffL, 0x1234_5678_9abc_def0L,
            0xdead_beef_cafe_babeL, 0x0000_0001_0000_0800L};
        TestMachine m = new TestMachine();
        for (long v : values) {
            int[] code = li(A0, v);
            m.program(code);
            m.run(code.length);
            assertThat(m.x(A0)).as("li 0x%x", v).isEqualTo(v);
        }
    }
}
