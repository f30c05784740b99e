package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * RV64C (unprivileged spec chapter 16, tables 16.5-16.7): every compressed instruction, encoded here from the
 * instruction-format tables, must expand to the 32-bit instruction the spec names as its equivalent; reserved
 * encodings (and the F/D forms, as this hart has no FPU) expand to 0.
 */
class CompressedDecoderTest {
    private static final int[] RVC_REGS = {8, 9, 10, 11, 12, 13, 14, 15};

    private static int bit(int v, int i) {
        return (v >> i) & 1;
    }

    /** Places bits hi..lo of {@code v} at position {@code at} (the field's low bit). */
    private static int f(int v, int hi, int lo, int at) {
        return ((v >> lo) & ((1 << (hi - lo + 1)) - 1)) << at;
    }

    private static int p(int reg) {
        return reg - 8;
    }

    // ---- quadrant 0
    static int cAddi4spn(int rd, int imm) {
        return f(imm, 5, 4, 11) | f(imm, 9, 6, 7) | bit(imm, 2) << 6 | bit(imm, 3) << 5 | p(rd) << 2;
    }

    static int cLw(int rd, int rs1, int imm) {
        return 2 << 13 | f(imm, 5, 3, 10) | p(rs1) << 7 | bit(imm, 2) << 6 | bit(imm, 6) << 5 | p(rd) << 2;
    }

    static int cLd(int rd, int rs1, int imm) {
        return 3 << 13 | f(imm, 5, 3, 10) | p(rs1) << 7 | f(imm, 7, 6, 5) | p(rd) << 2;
    }

    static int cSw(int rs2, int rs1, int imm) {
        return 6 << 13 | f(imm, 5, 3, 10) | p(rs1) << 7 | bit(imm, 2) << 6 | bit(imm, 6) << 5 | p(rs2) << 2;
    }

    static int cSd(int rs2, int rs1, int imm) {
        return 7 << 13 | f(imm, 5, 3, 10) | p(rs1) << 7 | f(imm, 7, 6, 5) | p(rs2) << 2;
    }

    // ---- quadrant 1
    static int ci(int f3, int rd, int imm6, int op) {
        return f3 << 13 | bit(imm6, 5) << 12 | rd << 7 | f(imm6, 4, 0, 2) | op;
    }

    static int cAddi16sp(int imm) {
        return 3 << 13 | bit(imm, 9) << 12 | 2 << 7 | bit(imm, 4) << 6 | bit(imm, 6) << 5 | f(imm, 8, 7, 3)
                | bit(imm, 5) << 2 | 1;
    }

    static int cShiftOrAndi(int f2, int rd, int imm6) {
        return 4 << 13 | bit(imm6, 5) << 12 | f2 << 10 | p(rd) << 7 | f(imm6, 4, 0, 2) | 1;
    }

    static int cArith(int bit12, int f2, int rd, int rs2) {
        return 4 << 13 | bit12 << 12 | 3 << 10 | p(rd) << 7 | f2 << 5 | p(rs2) << 2 | 1;
    }

    static int cJ(int off) {
        return 5 << 13 | bit(off, 11) << 12 | bit(off, 4) << 11 | f(off, 9, 8, 9) | bit(off, 10) << 8
                | bit(off, 6) << 7 | bit(off, 7) << 6 | f(off, 3, 1, 3) | bit(off, 5) << 2 | 1;
    }

    static int cBranch(int f3, int rs1, int off) {
        return f3 << 13 | bit(off, 8) << 12 | f(off, 4, 3, 10) | p(rs1) << 7 | f(off, 7, 6, 5) | f(off, 2, 1, 3)
                | bit(off, 5) << 2 | 1;
    }

    // ---- quadrant 2
    static int cLwsp(int rd, int imm) {
        return 2 << 13 | bit(imm, 5) << 12 | rd << 7 | f(imm, 4, 2, 4) | f(imm, 7, 6, 2) | 2;
    }

    static int cLdsp(int rd, int imm) {
        return 3 << 13 | bit(imm, 5) << 12 | rd << 7 | f(imm, 4, 3, 5) | f(imm, 8, 6, 2) | 2;
    }

    static int cCr(int bit12, int rd, int rs2) {
        return 4 << 13 | bit12 << 12 | rd << 7 | rs2 << 2 | 2;
    }

    static int cSwsp(int rs2, int imm) {
        return 6 << 13 | f(imm, 5, 2, 9) | f(imm, 7, 6, 7) | rs2 << 2 | 2;
    }

    static int cSdsp(int rs2, int imm) {
        return 7 << 13 | f(imm, 5, 3, 10) | f(imm, 8, 6, 7) | rs2 << 2 | 2;
    }

    private static void expands(int c, int expected) {
        assertThat(CompressedDecoder.expand(c)).as("expand(0x%04x)", c).isEqualTo(expected);
    }

    @Test
    void knownEncodings() {
        expands(0x0001, nop());            // c.nop
        expands(0x0028, addi(A0, SP, 8));  // c.addi4spn a0, sp, 8
        expands(0x9002, ebreak());         // c.ebreak
        expands(0x8082, jalr(ZERO, RA, 0)); // c.jr ra (ret)
        expands(0x4515, addi(A0, ZERO, 5)); // c.li a0, 5
        expands(0x852e, add(A0, ZERO, A1)); // c.mv a0, a1
    }

    @Test
    void quadrant0() {
        for (int rd : RVC_REGS) {
            for (int imm = 4; imm < 1024; imm += 4) {
                expands(cAddi4spn(rd, imm), addi(rd, SP, imm));
            }
            for (int rs1 : RVC_REGS) {
                for (int imm = 0; imm < 128; imm += 4) {
                    expands(cLw(rd, rs1, imm), lw(rd, rs1, imm));
                    expands(cSw(rd, rs1, imm), sw(rd, rs1, imm));
                }
                for (int imm = 0; imm < 256; imm += 8) {
                    expands(cLd(rd, rs1, imm), ld(rd, rs1, imm));
                    expands(cSd(rd, rs1, imm), sd(rd, rs1, imm));
                }
            }
        }
    }

    @Test
    void quadrant1ImmediateForms() {
        for (int rd = 0; rd < 32; rd++) {
            for (int imm = -32; imm < 32; imm++) {
                expands(ci(0, rd, imm, 1), addi(rd, rd, imm));          // c.addi (c.nop / hints for rd=0 or imm=0)
                expands(ci(2, rd, imm, 1), addi(rd, ZERO, imm));        // c.li
                if (rd != 0) {
                    expands(ci(1, rd, imm, 1), addiw(rd, rd, imm));     // c.addiw
                }
                if (rd != 2 && imm != 0) {
                    expands(ci(3, rd, imm, 1), lui(rd, imm & 0xfffff)); // c.lui, nzimm[17:12] sign-extended
                }
            }
        }
        for (int imm = -512; imm < 512; imm += 16) {
            if (imm != 0) {
                expands(cAddi16sp(imm), addi(SP, SP, imm));
            }
        }
    }

    @Test
    void quadrant1AluForms() {
        for (int rd : RVC_REGS) {
            for (int sh = 0; sh < 64; sh++) {
                expands(cShiftOrAndi(0, rd, sh), srli(rd, rd, sh));
                expands(cShiftOrAndi(1, rd, sh), srai(rd, rd, sh));
            }
            for (int imm = -32; imm < 32; imm++) {
                expands(cShiftOrAndi(2, rd, imm), andi(rd, rd, imm));
            }
            for (int rs2 : RVC_REGS) {
                expands(cArith(0, 0, rd, rs2), sub(rd, rd, rs2));
                expands(cArith(0, 1, rd, rs2), xor(rd, rd, rs2));
                expands(cArith(0, 2, rd, rs2), or(rd, rd, rs2));
                expands(cArith(0, 3, rd, rs2), and(rd, rd, rs2));
                expands(cArith(1, 0, rd, rs2), subw(rd, rd, rs2));
                expands(cArith(1, 1, rd, rs2), addw(rd, rd, rs2));
            }
        }
    }

    @Test
    void quadrant1ControlTransfers() {
        for (int off = -2048; off < 2048; off += 2) {
            expands(cJ(off), jal(ZERO, off));
        }
        for (int rs1 : RVC_REGS) {
            for (int off = -256; off < 256; off += 2) {
                expands(cBranch(6, rs1, off), beq(rs1, ZERO, off));
                expands(cBranch(7, rs1, off), bne(rs1, ZERO, off));
            }
        }
    }

    @Test
    void quadrant2() {
        for (int rd = 0; rd < 32; rd++) {
            for (int sh = 0; sh < 64; sh++) {
                expands(ci(0, rd, sh, 2), slli(rd, rd, sh));
            }
            if (rd != 0) {
                for (int imm = 0; imm < 256; imm += 4) {
                    expands(cLwsp(rd, imm), lw(rd, SP, imm));
                }
                for (int imm = 0; imm < 512; imm += 8) {
                    expands(cLdsp(rd, imm), ld(rd, SP, imm));
                }
                expands(cCr(0, rd, 0), jalr(ZERO, rd, 0));  // c.jr
                expands(cCr(1, rd, 0), jalr(RA, rd, 0));    // c.jalr
            }
            for (int rs2 = 1; rs2 < 32; rs2++) {
                expands(cCr(0, rd, rs2), add(rd, ZERO, rs2)); // c.mv
                expands(cCr(1, rd, rs2), add(rd, rd, rs2));   // c.add
            }
            for (int imm = 0; imm < 256; imm += 4) {
                expands(cSwsp(rd, imm), sw(rd, SP, imm));
            }
            for (int imm = 0; imm < 512; imm += 8) {
                expands(cSdsp(rd, imm), sd(rd, SP, imm));
            }
        }
        expands(cCr(1, 0, 0), ebreak());
    }

    @Test
    void reservedEncodingsExpandToZero() {
        expands(0x0000, 0);                       // all zeros: defined illegal
        for (int rd : RVC_REGS) {
            expands(cAddi4spn(rd, 0), 0);         // c.addi4spn nzuimm = 0
        }
        expands(0x8000, 0);                       // quadrant 0, funct3 100: reserved
        for (int rd = 1; rd < 32; rd++) {
            expands(ci(3, rd, 0, 1), 0);          // c.lui / c.addi16sp with zero immediate
        }
        expands(cAddi16sp(0), 0);
        for (int imm = -32; imm < 32; imm++) {
            expands(ci(1, 0, imm, 1), 0);         // c.addiw rd = 0
        }
        for (int rd : RVC_REGS) {
            for (int rs2 : RVC_REGS) {
                expands(cArith(1, 2, rd, rs2), 0); // reserved in RV64
                expands(cArith(1, 3, rd, rs2), 0);
            }
        }
        expands(cLwsp(0, 8), 0);                  // c.lwsp rd = 0
        expands(cLdsp(0, 8), 0);                  // c.ldsp rd = 0
        expands(cCr(0, 0, 0), 0);                 // c.jr x0
        // the double-precision loads and stores (D): fld/fsd
        expands(0x2000, (8 << 15) | (3 << 12) | (8 << 7) | 0x07);              // c.fld f8, 0(x8)
        expands(0xa000, (8 << 20) | (8 << 15) | (3 << 12) | 0x27);             // c.fsd f8, 0(x8)
        expands(0x2000 | 8 << 2, (64 << 20) | (8 << 15) | (3 << 12) | (8 << 7) | 0x07); // c.fld f8, 64(x8)
        expands(0x2002, (2 << 15) | (3 << 12) | 0x07);                         // c.fldsp f0, 0(sp): f0 is valid
        expands(0x2002 | 10 << 7, (2 << 15) | (3 << 12) | (10 << 7) | 0x07);   // c.fldsp f10, 0(sp)
        expands(0xa002 | 10 << 2, (10 << 20) | (2 << 15) | (3 << 12) | 0x27);  // c.fsdsp f10, 0(sp)
        for (int w = 0; w < 0x10000; w += 0x1000) {
            expands(w | 3, 0);                    // not a compressed parcel at all
        }
    }

    @Test
    void reservedParcelRaisesIllegalInstructionWithSixteenBitTval() {
        TestMachine m = new TestMachine();
        m.program(new Asm.Program().half(0x0001).half(0x6501)).set(A0, 33); // c.nop; c.lui a0, 0 (reserved)
        m.run(2);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.ILLEGAL_INSTRUCTION);
        assertThat(m.csr(Csr.MTVAL)).isEqualTo(0x6501);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(TestMachine.RAM + 2);
        assertThat(m.x(A0)).isEqualTo(33);
    }

    @Test
    void compressedAndFullInstructionsMixAndAdvanceThePcByTheirLength() {
        // c.li a0, 1; addi a0, a0, 2 (at offset 2, not 4-aligned); c.addi a0, 4; c.j +4 ; (skipped c.li a0, 0); c.ebreak
        Asm.Program p = new Asm.Program().half(ci(2, A0, 1, 1)).add(addi(A0, A0, 2)).half(ci(0, A0, 4, 1))
                .half(cJ(4)).half(ci(2, A0, 0, 1)).half(0x9002);
        TestMachine m = new TestMachine();
        m.program(p);
        m.run(5);
        assertThat(m.x(A0)).isEqualTo(7);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(Cause.BREAKPOINT);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(TestMachine.RAM + 12);
        assertThat(m.csr(Csr.MTVAL)).isZero();
    }

    @Test
    void cJalrLinksToTheNextParcel() {
        TestMachine m = new TestMachine();
        m.program(new Asm.Program().half(0x0001).half(cCr(1, A1, 0))).set(A1, TestMachine.RAM + 0x40);
        m.run(2);
        assertThat(m.x(RA)).isEqualTo(TestMachine.RAM + 4);
        assertThat(m.pc()).isEqualTo(TestMachine.RAM + 0x40);
    }

    @Test
    void thirtyTwoBitInstructionStraddlingAPageBoundaryExecutes() {
        TestMachine m = new TestMachine();
        m.installHandlers();
        long at = TestMachine.RAM + 0x2ffe;
        m.writeWords(at, addi(A0, ZERO, 123), jal(ZERO, 0));
        m.cpu().setPc(at);
        m.run(1);
        assertThat(m.x(A0)).isEqualTo(123);
        assertThat(m.pc()).isEqualTo(at + 4);
    }
}
