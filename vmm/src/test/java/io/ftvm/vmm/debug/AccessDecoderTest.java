package io.ftvm.vmm.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.debug.AccessDecoder.Access;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** Data accesses of RV64GC instructions, from hand-assembled encodings (checked against the ISA manual's formats). */
class AccessDecoderTest {
    /** x2 (sp) = 0x1000, x8 (s0) = 0x2000, x10 (a0) = 0x3000, others their index. */
    private static final IntToLongFunction REGS = r -> r == 2 ? 0x1000 : r == 8 ? 0x2000 : r == 10 ? 0x3000 : r;

    @Test
    void loadsAndStores() {
        // ld a1, -8(a0): imm -8, rs1 10, funct3 3, rd 11, opcode 0x03
        assertThat(AccessDecoder.decode(0xff853583, REGS)).isEqualTo(new Access(0x2ff8, 8, true, false));
        // lbu a1, 5(a0)
        assertThat(AccessDecoder.decode(0x00554583, REGS)).isEqualTo(new Access(0x3005, 1, true, false));
        // sw a1, 12(a0): imm[11:5]=0, rs2 11, rs1 10, funct3 2, imm[4:0]=12, opcode 0x23
        assertThat(AccessDecoder.decode(0x00b52623, REGS)).isEqualTo(new Access(0x300c, 4, false, true));
        // sd a1, -16(sp): imm = -16 -> imm[11:5] = 0x7f, imm[4:0] = 0x10
        assertThat(AccessDecoder.decode(0xfeb13823, REGS)).isEqualTo(new Access(0x0ff0, 8, false, true));
        // fld fa0, 16(a0) and fsd fa0, 24(a0)
        assertThat(AccessDecoder.decode(0x01053507, REGS)).isEqualTo(new Access(0x3010, 8, true, false));
        assertThat(AccessDecoder.decode(0x00a53c27, REGS)).isEqualTo(new Access(0x3018, 8, false, true));
    }

    @Test
    void atomics() {
        // amoadd.w a1, a2, (a0): funct5 0, funct3 2
        assertThat(AccessDecoder.decode(0x00c525af, REGS)).isEqualTo(new Access(0x3000, 4, true, true));
        // lr.d a1, (a0): funct5 2; sc.d a1, a2, (a0): funct5 3
        assertThat(AccessDecoder.decode(0x100535af, REGS)).isEqualTo(new Access(0x3000, 8, true, false));
        assertThat(AccessDecoder.decode(0x18c535af, REGS)).isEqualTo(new Access(0x3000, 8, false, true));
    }

    @Test
    void compressedLoadsAndStores() {
        // c.lw a1, 4(s0): funct3 010, uimm[5:3]=0, rs1'=0 (s0), uimm[2]=1 (bit 6), uimm[6]=0, rd'=3 (a1)
        assertThat(AccessDecoder.decode(0x404c, REGS)).isEqualTo(new Access(0x2004, 4, true, false));
        // c.sd a1, 8(s0): funct3 111, uimm[5:3]=1 (bits 12:10), rs1'=0, uimm[7:6]=0, rs2'=3
        assertThat(AccessDecoder.decode(0xe40c, REGS)).isEqualTo(new Access(0x2008, 8, false, true));
        // c.ldsp a1, 24(sp): funct3 011, uimm[5]=0, rd=11, uimm[4:3]=3 (bits 6:5), uimm[8:6]=0
        assertThat(AccessDecoder.decode(0x65e2, REGS)).isEqualTo(new Access(0x1018, 8, true, false));
        // c.sdsp a1, 16(sp): funct3 111, uimm[5:3]=2 (bits 12:10), uimm[8:6]=0, rs2=11
        assertThat(AccessDecoder.decode(0xe82e, REGS)).isEqualTo(new Access(0x1010, 8, false, true));
        assertThat(AccessDecoder.decode(0xc54c, REGS)).as("c.sw a1, 12(a0)").isEqualTo(new Access(0x300c, 4, false,
                true));
        assertThat(AccessDecoder.decode(0x2908, REGS)).as("c.fld fa0, 16(a0)").isEqualTo(new Access(0x3010, 8, true,
                false));
        // c.swsp a1, 4(sp): funct3 110, uimm[5:2]=1 (bits 12:9), uimm[7:6]=0
        assertThat(AccessDecoder.decode(0xc22e, REGS)).isEqualTo(new Access(0x1004, 4, false, true));
    }

    @Test
    void otherInstructionsAccessNoData() {
        assertThat(AccessDecoder.decode(0x00b50533, REGS)).as("add a0, a0, a1").isNull();
        assertThat(AccessDecoder.decode(0x0505, REGS)).as("c.addi a0, 1").isNull();
        assertThat(AccessDecoder.decode(0x0000006f, REGS)).as("j .").isNull();
        assertThat(AccessDecoder.decode(0x0000000f, REGS)).as("fence").isNull();
    }

    @Test
    void overlapIsByteExact() {
        Access a = new Access(0x100, 4, true, false);
        assertThat(a.overlaps(0x103, 1)).isTrue();
        assertThat(a.overlaps(0x104, 8)).isFalse();
        assertThat(a.overlaps(0xf8, 8)).isFalse();
        assertThat(a.overlaps(0xf9, 8)).isTrue();
    }
}
