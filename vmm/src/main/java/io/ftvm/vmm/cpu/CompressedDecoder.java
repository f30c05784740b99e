package io.ftvm.vmm.cpu;

/**
 * Expands RV64C instructions into their 32-bit equivalents (RISC-V unprivileged spec, chapter "C").
 *
 * <p>Returns 0 for reserved and unsupported encodings (including the all-zero halfword), which the caller turns
 * into an illegal-instruction exception. The double-precision loads and stores ({@code c.fld}, {@code c.fsd},
 * {@code c.fldsp}, {@code c.fsdsp}) expand to {@code fld}/{@code fsd}; RV64C has no single-precision forms.
 * HINT encodings (for example {@code c.addi x0, 1}) expand to instructions that write x0 and so do nothing.
 */
public final class CompressedDecoder {

    private static final int OP_IMM = 0x13;
    private static final int OP_IMM32 = 0x1b;
    private static final int OP = 0x33;
    private static final int OP32 = 0x3b;
    private static final int LOAD = 0x03;
    private static final int STORE = 0x23;
    private static final int LOAD_FP = 0x07;
    private static final int STORE_FP = 0x27;

    private CompressedDecoder() {
    }

    public static int expand(int c) {
        switch (c & 3) {
            case 0: return quadrant0(c);
            case 1: return quadrant1(c);
            case 2: return quadrant2(c);
            default: return 0;
        }
    }

    private static int rPrime(int bits) {
        return (bits & 7) + 8;
    }

    private static int quadrant0(int c) {
        int rdp = rPrime(c >>> 2);
        int rs1p = rPrime(c >>> 7);
        int lwImm = ((c >>> 7) & 0x38) | ((c << 1) & 0x40) | ((c >>> 4) & 4);
        int ldImm = ((c >>> 7) & 0x38) | ((c << 1) & 0xc0);
        switch ((c >>> 13) & 7) {
            case 0: {
                int imm = ((c >>> 7) & 0x30) | ((c >>> 1) & 0x3c0) | ((c >>> 4) & 4) | ((c >>> 2) & 8);
                return imm == 0 ? 0 : iType(imm, 2, 0, rdp, OP_IMM);
            }
            case 2: return iType(lwImm, rs1p, 2, rdp, LOAD);
            case 1: return iType(ldImm, rs1p, 3, rdp, LOAD_FP); // c.fld
            case 3: return iType(ldImm, rs1p, 3, rdp, LOAD);
            case 5: return sType(ldImm, rdp, rs1p, 3, STORE_FP); // c.fsd
            case 6: return sType(lwImm, rdp, rs1p, 2);
            case 7: return sType(ldImm, rdp, rs1p, 3);
            default: return 0;
        }
    }

    private static int imm6(int c) {
        int v = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x1f);
        return (v << 26) >> 26;
    }

    private static int quadrant1(int c) {
        int rd = (c >>> 7) & 0x1f;
        switch ((c >>> 13) & 7) {
            case 0: return iType(imm6(c), rd, 0, rd, OP_IMM);
            case 1: return rd == 0 ? 0 : iType(imm6(c), rd, 0, rd, OP_IMM32);
            case 2: return iType(imm6(c), 0, 0, rd, OP_IMM);
            case 3: {
                if (rd == 2) {
                    int imm = ((c >>> 3) & 0x200) | ((c >>> 2) & 0x10) | ((c << 1) & 0x40)
                            | ((c << 4) & 0x180) | ((c << 3) & 0x20);
                    imm = (imm << 22) >> 22;
                    return imm == 0 ? 0 : iType(imm, 2, 0, 2, OP_IMM);
                }
                int imm = imm6(c) << 12;
                return imm == 0 ? 0 : imm | (rd << 7) | 0x37;
            }
            case 4: return miscAlu(c);
            case 5: return jType(cjOffset(c), 0);
            case 6: return bType(cbOffset(c), 0, rPrime(c >>> 7), 0);
            default: return bType(cbOffset(c), 0, rPrime(c >>> 7), 1);
        }
    }

    private static int miscAlu(int c) {
        int rd = rPrime(c >>> 7);
        int shamt = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x1f);
        switch ((c >>> 10) & 3) {
            case 0: return iType(shamt, rd, 5, rd, OP_IMM);
            case 1: return iType(0x400 | shamt, rd, 5, rd, OP_IMM);
            case 2: return iType(imm6(c), rd, 7, rd, OP_IMM);
            default: {
                int rs2 = rPrime(c >>> 2);
                int sel = (c >>> 5) & 3;
                if ((c & 0x1000) == 0) {
                    switch (sel) {
                        case 0: return rType(0x20, rs2, rd, 0, rd, OP);
                        case 1: return rType(0, rs2, rd, 4, rd, OP);
                        case 2: return rType(0, rs2, rd, 6, rd, OP);
                        default: return rType(0, rs2, rd, 7, rd, OP);
                    }
                }
                switch (sel) {
                    case 0: return rType(0x20, rs2, rd, 0, rd, OP32);
                    case 1: return rType(0, rs2, rd, 0, rd, OP32);
                    default: return 0;
                }
            }
        }
    }

    private static int cjOffset(int c) {
        int off = ((c >>> 1) & 0x800) | ((c >>> 7) & 0x10) | ((c >>> 1) & 0x300) | ((c << 2) & 0x400)
                | ((c >>> 1) & 0x40) | ((c << 1) & 0x80) | ((c >>> 2) & 0xe) | ((c << 3) & 0x20);
        return (off << 20) >> 20;
    }

    private static int cbOffset(int c) {
        int off = ((c >>> 4) & 0x100) | ((c >>> 7) & 0x18) | ((c << 1) & 0xc0) | ((c >>> 2) & 6)
                | ((c << 3) & 0x20);
        return (off << 23) >> 23;
    }

    private static int quadrant2(int c) {
        int rd = (c >>> 7) & 0x1f;
        int rs2 = (c >>> 2) & 0x1f;
        switch ((c >>> 13) & 7) {
            case 0: {
                int shamt = ((c >>> 7) & 0x20) | rs2;
                return iType(shamt, rd, 1, rd, OP_IMM);
            }
            case 2: {
                int imm = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x1c) | ((c << 4) & 0xc0);
                return rd == 0 ? 0 : iType(imm, 2, 2, rd, LOAD);
            }
            case 1: // c.fldsp (f0 is a valid destination)
                return iType(((c >>> 7) & 0x20) | ((c >>> 2) & 0x18) | ((c << 4) & 0x1c0), 2, 3, rd, LOAD_FP);
            case 3: {
                int imm = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x18) | ((c << 4) & 0x1c0);
                return rd == 0 ? 0 : iType(imm, 2, 3, rd, LOAD);
            }
            case 4:
                if ((c & 0x1000) == 0) {
                    if (rs2 == 0) {
                        return rd == 0 ? 0 : iType(0, rd, 0, 0, 0x67);
                    }
                    return rType(0, rs2, 0, 0, rd, OP);
                }
                if (rs2 == 0) {
                    return rd == 0 ? 0x00100073 : iType(0, rd, 0, 1, 0x67);
                }
                return rType(0, rs2, rd, 0, rd, OP);
            case 6: {
                int imm = ((c >>> 7) & 0x3c) | ((c >>> 1) & 0xc0);
                return sType(imm, rs2, 2, 2);
            }
            case 5: // c.fsdsp
                return sType(((c >>> 7) & 0x38) | ((c >>> 1) & 0x1c0), rs2, 2, 3, STORE_FP);
            case 7: {
                int imm = ((c >>> 7) & 0x38) | ((c >>> 1) & 0x1c0);
                return sType(imm, rs2, 2, 3);
            }
            default:
                return 0;
        }
    }

    private static int iType(int imm, int rs1, int f3, int rd, int opcode) {
        return (imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }

    private static int rType(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }

    private static int sType(int imm, int rs2, int rs1, int f3) {
        return sType(imm, rs2, rs1, f3, STORE);
    }

    private static int sType(int imm, int rs2, int rs1, int f3, int opcode) {
        return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | opcode;
    }

    private static int bType(int imm, int rs2, int rs1, int f3) {
        return ((imm >> 12) << 31) | (((imm >>> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
                | (((imm >>> 1) & 0xf) << 8) | (((imm >>> 11) & 1) << 7) | 0x63;
    }

    private static int jType(int imm, int rd) {
        return ((imm >> 20) << 31) | (((imm >>> 1) & 0x3ff) << 21) | (((imm >>> 11) & 1) << 20)
                | (imm & 0xff000) | (rd << 7) | 0x6f;
    }
}
