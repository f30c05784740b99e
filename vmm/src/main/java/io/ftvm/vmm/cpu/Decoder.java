package io.ftvm.vmm.cpu;

/**
 * Decodes RV64IMAFDC + Zicsr + Zifencei + privileged instructions into the packed form of {@link Op} (the F and D
 * opcodes through {@link FpDecoder}).
 *
 * <p>Decoding is strict: reserved encodings (non-zero fields the specification requires to be zero, unknown
 * funct codes, 48-bit and longer formats) decode to {@link Op#ILLEGAL} carrying the raw bits, which become the
 * trap value of the illegal-instruction exception. Compressed instructions are expanded by
 * {@link CompressedDecoder} and then decoded here, so both lengths share one execution path.
 */
public final class Decoder {

    private Decoder() {
    }

    /** Decodes one instruction whose low 16 bits are {@code bits & 0xffff}; the upper half is used if 32-bit. */
    public static long decode(int bits) {
        if ((bits & 3) != 3) {
            int expanded = CompressedDecoder.expand(bits & 0xffff);
            if (expanded == 0) {
                return illegal(bits & 0xffff, true);
            }
            long d = decode32(expanded);
            if (Op.op(d) == Op.ILLEGAL) {
                return illegal(bits & 0xffff, true);
            }
            if (Op.isFloatingPoint(Op.op(d))) {
                d |= (long) (bits & 0xffff) << 8; // the parcel as fetched, for trap values
            }
            return d | (1L << 24);
        }
        return decode32(bits);
    }

    static long illegal(int raw, boolean compressed) {
        return Op.pack(Op.ILLEGAL, 0, 0, 0, raw, compressed);
    }

    private static long decode32(int i) {
        int opcode = i & 0x7f;
        int rd = (i >>> 7) & 0x1f;
        int f3 = (i >>> 12) & 7;
        int rs1 = (i >>> 15) & 0x1f;
        int rs2 = (i >>> 20) & 0x1f;
        int f7 = i >>> 25;
        int immI = i >> 20;
        switch (opcode) {
            case 0x37:
                return Op.pack(Op.LUI, rd, 0, 0, i & 0xfffff000, false);
            case 0x17:
                return Op.pack(Op.AUIPC, rd, 0, 0, i & 0xfffff000, false);
            case 0x6f:
                return Op.pack(Op.JAL, rd, 0, 0, immJ(i), false);
            case 0x67:
                return f3 == 0 ? Op.pack(Op.JALR, rd, rs1, 0, immI, false) : illegal(i, false);
            case 0x63:
                return branch(i, f3, rs1, rs2);
            case 0x03:
                return load(i, f3, rd, rs1, immI);
            case 0x23:
                return store(i, f3, rs1, rs2);
            case 0x13:
                return opImm(i, f3, rd, rs1, immI);
            case 0x1b:
                return opImm32(i, f3, rd, rs1, immI);
            case 0x33:
                return opReg(i, f3, f7, rd, rs1, rs2);
            case 0x3b:
                return opReg32(i, f3, f7, rd, rs1, rs2);
            case 0x0f:
                return miscMem(i, f3, rd, rs1);
            case 0x73:
                return system(i, f3, f7, rd, rs1, rs2);
            case 0x2f:
                return atomic(i, f3, rd, rs1, rs2);
            case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
                return FpDecoder.decode(i);
            default:
                return illegal(i, false);
        }
    }

    private static int immJ(int i) {
        int imm = ((i >> 31) << 20)
                | (i & 0xff000)
                | ((i >>> 9) & 0x800)
                | ((i >>> 20) & 0x7fe);
        return imm;
    }

    private static int immB(int i) {
        return ((i >> 31) << 12)
                | ((i << 4) & 0x800)
                | ((i >>> 20) & 0x7e0)
                | ((i >>> 7) & 0x1e);
    }

    private static int immS(int i) {
        return ((i >> 25) << 5) | ((i >>> 7) & 0x1f);
    }

    private static long branch(int i, int f3, int rs1, int rs2) {
        int op;
        switch (f3) {
            case 0: op = Op.BEQ; break;
            case 1: op = Op.BNE; break;
            case 4: op = Op.BLT; break;
            case 5: op = Op.BGE; break;
            case 6: op = Op.BLTU; break;
            case 7: op = Op.BGEU; break;
            default: return illegal(i, false);
        }
        return Op.pack(op, 0, rs1, rs2, immB(i), false);
    }

    private static long load(int i, int f3, int rd, int rs1, int imm) {
        int op;
        switch (f3) {
            case 0: op = Op.LB; break;
            case 1: op = Op.LH; break;
            case 2: op = Op.LW; break;
            case 3: op = Op.LD; break;
            case 4: op = Op.LBU; break;
            case 5: op = Op.LHU; break;
            case 6: op = Op.LWU; break;
            default: return illegal(i, false);
        }
        return Op.pack(op, rd, rs1, 0, imm, false);
    }

    private static long store(int i, int f3, int rs1, int rs2) {
        int op;
        switch (f3) {
            case 0: op = Op.SB; break;
            case 1: op = Op.SH; break;
            case 2: op = Op.SW; break;
            case 3: op = Op.SD; break;
            default: return illegal(i, false);
        }
        return Op.pack(op, 0, rs1, rs2, immS(i), false);
    }

    private static long opImm(int i, int f3, int rd, int rs1, int imm) {
        switch (f3) {
            case 0: return Op.pack(Op.ADDI, rd, rs1, 0, imm, false);
            case 2: return Op.pack(Op.SLTI, rd, rs1, 0, imm, false);
            case 3: return Op.pack(Op.SLTIU, rd, rs1, 0, imm, false);
            case 4: return Op.pack(Op.XORI, rd, rs1, 0, imm, false);
            case 6: return Op.pack(Op.ORI, rd, rs1, 0, imm, false);
            case 7: return Op.pack(Op.ANDI, rd, rs1, 0, imm, false);
            case 1:
                return (i >>> 26) == 0 ? Op.pack(Op.SLLI, rd, rs1, 0, imm & 0x3f, false) : illegal(i, false);
            default: // 5
                if ((i >>> 26) == 0) {
                    return Op.pack(Op.SRLI, rd, rs1, 0, imm & 0x3f, false);
                }
                if ((i >>> 26) == 0x10) {
                    return Op.pack(Op.SRAI, rd, rs1, 0, imm & 0x3f, false);
                }
                return illegal(i, false);
        }
    }

    private static long opImm32(int i, int f3, int rd, int rs1, int imm) {
        int f7 = i >>> 25;
        switch (f3) {
            case 0: return Op.pack(Op.ADDIW, rd, rs1, 0, imm, false);
            case 1: return f7 == 0 ? Op.pack(Op.SLLIW, rd, rs1, 0, imm & 0x1f, false) : illegal(i, false);
            case 5:
                if (f7 == 0) {
                    return Op.pack(Op.SRLIW, rd, rs1, 0, imm & 0x1f, false);
                }
                return f7 == 0x20 ? Op.pack(Op.SRAIW, rd, rs1, 0, imm & 0x1f, false) : illegal(i, false);
            default: return illegal(i, false);
        }
    }

    private static final int[] OP_BASE = {Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND};
    private static final int[] OP_MUL = {Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU};

    private static long opReg(int i, int f3, int f7, int rd, int rs1, int rs2) {
        int op;
        if (f7 == 0) {
            op = OP_BASE[f3];
        } else if (f7 == 1) {
            op = OP_MUL[f3];
        } else if (f7 == 0x20 && f3 == 0) {
            op = Op.SUB;
        } else if (f7 == 0x20 && f3 == 5) {
            op = Op.SRA;
        } else {
            return illegal(i, false);
        }
        return Op.pack(op, rd, rs1, rs2, 0, false);
    }

    private static long opReg32(int i, int f3, int f7, int rd, int rs1, int rs2) {
        int op;
        if (f7 == 0) {
            switch (f3) {
                case 0: op = Op.ADDW; break;
                case 1: op = Op.SLLW; break;
                case 5: op = Op.SRLW; break;
                default: return illegal(i, false);
            }
        } else if (f7 == 0x20) {
            switch (f3) {
                case 0: op = Op.SUBW; break;
                case 5: op = Op.SRAW; break;
                default: return illegal(i, false);
            }
        } else if (f7 == 1) {
            switch (f3) {
                case 0: op = Op.MULW; break;
                case 4: op = Op.DIVW; break;
                case 5: op = Op.DIVUW; break;
                case 6: op = Op.REMW; break;
                case 7: op = Op.REMUW; break;
                default: return illegal(i, false);
            }
        } else {
            return illegal(i, false);
        }
        return Op.pack(op, rd, rs1, rs2, 0, false);
    }

    private static long miscMem(int i, int f3, int rd, int rs1) {
        if (f3 == 0) {
            return Op.pack(Op.FENCE, 0, 0, 0, 0, false);
        }
        if (f3 == 1) {
            return Op.pack(Op.FENCE_I, 0, 0, 0, 0, false);
        }
        return illegal(i, false);
    }

    private static long system(int i, int f3, int f7, int rd, int rs1, int rs2) {
        int csr = i >>> 20;
        switch (f3) {
            case 0:
                return privileged(i, f7, rd, rs1, rs2);
            case 1: return Op.pack(Op.CSRRW, rd, rs1, 0, csr, false);
            case 2: return Op.pack(Op.CSRRS, rd, rs1, 0, csr, false);
            case 3: return Op.pack(Op.CSRRC, rd, rs1, 0, csr, false);
            case 5: return Op.pack(Op.CSRRWI, rd, rs1, 0, csr, false);
            case 6: return Op.pack(Op.CSRRSI, rd, rs1, 0, csr, false);
            case 7: return Op.pack(Op.CSRRCI, rd, rs1, 0, csr, false);
            default: return illegal(i, false);
        }
    }

    private static long privileged(int i, int f7, int rd, int rs1, int rs2) {
        if (f7 == 0x09) {
            return rd == 0 ? Op.pack(Op.SFENCE_VMA, 0, rs1, rs2, 0, false) : illegal(i, false);
        }
        if (rd != 0 || rs1 != 0) {
            return illegal(i, false);
        }
        switch (i >>> 20) {
            case 0x000: return Op.pack(Op.ECALL, 0, 0, 0, 0, false);
            case 0x001: return Op.pack(Op.EBREAK, 0, 0, 0, 0, false);
            case 0x102: return Op.pack(Op.SRET, 0, 0, 0, 0, false);
            case 0x302: return Op.pack(Op.MRET, 0, 0, 0, 0, false);
            case 0x105: return Op.pack(Op.WFI, 0, 0, 0, 0, false);
            default: return illegal(i, false);
        }
    }

    private static long atomic(int i, int f3, int rd, int rs1, int rs2) {
        if (f3 != 2 && f3 != 3) {
            return illegal(i, false);
        }
        boolean dw = f3 == 3;
        int f5 = i >>> 27;
        switch (f5) {
            case 0x02:
                if (rs2 != 0) {
                    return illegal(i, false);
                }
                return Op.pack(dw ? Op.LR_D : Op.LR_W, rd, rs1, 0, 0, false);
            case 0x03:
                return Op.pack(dw ? Op.SC_D : Op.SC_W, rd, rs1, rs2, 0, false);
            case 0x00: case 0x01: case 0x04: case 0x08: case 0x0c:
            case 0x10: case 0x14: case 0x18: case 0x1c:
                return Op.pack(dw ? Op.AMO_D : Op.AMO_W, rd, rs1, rs2, f5, false);
            default:
                return illegal(i, false);
        }
    }
}
