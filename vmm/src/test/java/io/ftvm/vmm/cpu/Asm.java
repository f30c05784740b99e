package io.ftvm.vmm.cpu;

import java.io.ByteArrayOutputStream;

/**
 * A tiny test-only RV64IMAC assembler, written from the base instruction formats of the unprivileged
 * specification (chapter 2.2/2.3, R/I/S/B/U/J). Every method returns the 32-bit instruction word;
 * {@link Program} strings words and raw 16-bit compressed parcels together.
 */
public final class Asm {
    public static final int ZERO = 0, RA = 1, SP = 2, GP = 3, TP = 4, T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9,
            A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, A7 = 17, T3 = 28, T4 = 29, T5 = 30,
            T6 = 31;

    private static final int OP_LUI = 0x37, OP_AUIPC = 0x17, OP_JAL = 0x6f, OP_JALR = 0x67, OP_BRANCH = 0x63,
            OP_LOAD = 0x03, OP_STORE = 0x23, OP_IMM = 0x13, OP_IMM32 = 0x1b, OP = 0x33, OP32 = 0x3b,
            OP_MISC_MEM = 0x0f, OP_SYSTEM = 0x73, OP_AMO = 0x2f;

    private Asm() {
    }

    // ------------------------------------------------------------------ formats

    public static int rType(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return (f7 & 0x7f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (rd & 31) << 7
                | (opcode & 0x7f);
    }

    public static int iType(int imm, int rs1, int f3, int rd, int opcode) {
        check(imm, -2048, 4095, "I-immediate");
        return (imm & 0xfff) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (rd & 31) << 7 | (opcode & 0x7f);
    }

    public static int sType(int imm, int rs2, int rs1, int f3, int opcode) {
        check(imm, -2048, 2047, "S-immediate");
        return ((imm >> 5) & 0x7f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12
                | (imm & 0x1f) << 7 | (opcode & 0x7f);
    }

    public static int bType(int imm, int rs2, int rs1, int f3) {
        check(imm, -4096, 4094, "B-immediate");
        if ((imm & 1) != 0) {
            throw new IllegalArgumentException("odd branch offset " + imm);
        }
        return ((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15
                | (f3 & 7) << 12 | ((imm >> 1) & 0xf) << 8 | ((imm >> 11) & 1) << 7 | OP_BRANCH;
    }

    /** U-type: {@code imm20} is the value of bits 31:12. */
    public static int uType(int imm20, int rd, int opcode) {
        return (imm20 & 0xfffff) << 12 | (rd & 31) << 7 | (opcode & 0x7f);
    }

    public static int jType(int imm, int rd) {
        check(imm, -(1 << 20), (1 << 20) - 2, "J-immediate");
        if ((imm & 1) != 0) {
            throw new IllegalArgumentException("odd jump offset " + imm);
        }
        return ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20
                | ((imm >> 12) & 0xff) << 12 | (rd & 31) << 7 | OP_JAL;
    }

    private static void check(int v, int lo, int hi, String what) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    // ------------------------------------------------------------------ RV64I

    public static int lui(int rd, int imm20) { return uType(imm20, rd, OP_LUI); }
    public static int auipc(int rd, int imm20) { return uType(imm20, rd, OP_AUIPC); }
    public static int jal(int rd, int off) { return jType(off, rd); }
    public static int jalr(int rd, int rs1, int imm) { return iType(imm, rs1, 0, rd, OP_JALR); }
    public static int beq(int rs1, int rs2, int off) { return bType(off, rs2, rs1, 0); }
    public static int bne(int rs1, int rs2, int off) { return bType(off, rs2, rs1, 1); }
    public static int blt(int rs1, int rs2, int off) { return bType(off, rs2, rs1, 4); }
    public static int bge(int rs1, int rs2, int off) { return bType(off, rs2, rs1, 5); }
    public static int bltu(int rs1, int rs2, int off) { return bType(off, rs2, rs1, 6); }
    public static int bgeu(int rs1, int rs2, int off) { return bType(off, rs2, rs1, 7); }
    public static int lb(int rd, int rs1, int imm) { return iType(imm, rs1, 0, rd, OP_LOAD); }
    public static int lh(int rd, int rs1, int imm) { return iType(imm, rs1, 1, rd, OP_LOAD); }
    public static int lw(int rd, int rs1, int imm) { return iType(imm, rs1, 2, rd, OP_LOAD); }
    public static int ld(int rd, int rs1, int imm) { return iType(imm, rs1, 3, rd, OP_LOAD); }
    public static int lbu(int rd, int rs1, int imm) { return iType(imm, rs1, 4, rd, OP_LOAD); }
    public static int lhu(int rd, int rs1, int imm) { return iType(imm, rs1, 5, rd, OP_LOAD); }
    public static int lwu(int rd, int rs1, int imm) { return iType(imm, rs1, 6, rd, OP_LOAD); }
    public static int sb(int rs2, int rs1, int imm) { return sType(imm, rs2, rs1, 0, OP_STORE); }
    public static int sh(int rs2, int rs1, int imm) { return sType(imm, rs2, rs1, 1, OP_STORE); }
    public static int sw(int rs2, int rs1, int imm) { return sType(imm, rs2, rs1, 2, OP_STORE); }
    public static int sd(int rs2, int rs1, int imm) { return sType(imm, rs2, rs1, 3, OP_STORE); }
    public static int addi(int rd, int rs1, int imm) { return iType(imm, rs1, 0, rd, OP_IMM); }
    public static int slti(int rd, int rs1, int imm) { return iType(imm, rs1, 2, rd, OP_IMM); }
    public static int sltiu(int rd, int rs1, int imm) { return iType(imm, rs1, 3, rd, OP_IMM); }
    public static int xori(int rd, int rs1, int imm) { return iType(imm, rs1, 4, rd, OP_IMM); }
    public static int ori(int rd, int rs1, int imm) { return iType(imm, rs1, 6, rd, OP_IMM); }
    public static int andi(int rd, int rs1, int imm) { return iType(imm, rs1, 7, rd, OP_IMM); }
    public static int slli(int rd, int rs1, int sh) { return iType(sh & 0x3f, rs1, 1, rd, OP_IMM); }
    public static int srli(int rd, int rs1, int sh) { return iType(sh & 0x3f, rs1, 5, rd, OP_IMM); }
    public static int srai(int rd, int rs1, int sh) { return iType(0x400 | (sh & 0x3f), rs1, 5, rd, OP_IMM); }
    public static int add(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 0, rd, OP); }
    public static int sub(int rd, int rs1, int rs2) { return rType(0x20, rs2, rs1, 0, rd, OP); }
    public static int sll(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 1, rd, OP); }
    public static int slt(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 2, rd, OP); }
    public static int sltu(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 3, rd, OP); }
    public static int xor(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 4, rd, OP); }
    public static int srl(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 5, rd, OP); }
    public static int sra(int rd, int rs1, int rs2) { return rType(0x20, rs2, rs1, 5, rd, OP); }
    public static int or(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 6, rd, OP); }
    public static int and(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 7, rd, OP); }
    public static int addiw(int rd, int rs1, int imm) { return iType(imm, rs1, 0, rd, OP_IMM32); }
    public static int slliw(int rd, int rs1, int sh) { return iType(sh & 0x1f, rs1, 1, rd, OP_IMM32); }
    public static int srliw(int rd, int rs1, int sh) { return iType(sh & 0x1f, rs1, 5, rd, OP_IMM32); }
    public static int sraiw(int rd, int rs1, int sh) { return iType(0x400 | (sh & 0x1f), rs1, 5, rd, OP_IMM32); }
    public static int addw(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 0, rd, OP32); }
    public static int subw(int rd, int rs1, int rs2) { return rType(0x20, rs2, rs1, 0, rd, OP32); }
    public static int sllw(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 1, rd, OP32); }
    public static int srlw(int rd, int rs1, int rs2) { return rType(0, rs2, rs1, 5, rd, OP32); }
    public static int sraw(int rd, int rs1, int rs2) { return rType(0x20, rs2, rs1, 5, rd, OP32); }
    public static int fence() { return 0x0ff0000f; }

    // ------------------------------------------------------------------ F and D (fmt 0 = S, 1 = D)

    public static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;

    public static int flw(int fd, int rs1, int imm) { return iType(imm, rs1, 2, fd, 0x07); }
    public static int fld(int fd, int rs1, int imm) { return iType(imm, rs1, 3, fd, 0x07); }
    public static int fsw(int fs2, int rs1, int imm) { return sType(imm, fs2, rs1, 2, 0x27); }
    public static int fsd(int fs2, int rs1, int imm) { return sType(imm, fs2, rs1, 3, 0x27); }

    /** OP-FP: {@code funct5}, format, rs2, rs1, rm (funct3), rd. */
    public static int opFp(int f5, int fmt, int rs2, int rs1, int rm, int rd) {
        return rType(f5 << 2 | fmt, rs2, rs1, rm, rd, 0x53);
    }

    /** The fused multiply-adds: opcode 0x43 fmadd, 0x47 fmsub, 0x4b fnmsub, 0x4f fnmadd. */
    public static int r4(int opcode, int fmt, int rd, int rs1, int rs2, int rs3, int rm) {
        return (rs3 & 31) << 27 | (fmt & 3) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (rm & 7) << 12
                | (rd & 31) << 7 | opcode;
    }

    public static int fadd(int fmt, int rd, int rs1, int rs2, int rm) { return opFp(0, fmt, rs2, rs1, rm, rd); }
    public static int fsub(int fmt, int rd, int rs1, int rs2, int rm) { return opFp(1, fmt, rs2, rs1, rm, rd); }
    public static int fmul(int fmt, int rd, int rs1, int rs2, int rm) { return opFp(2, fmt, rs2, rs1, rm, rd); }
    public static int fdiv(int fmt, int rd, int rs1, int rs2, int rm) { return opFp(3, fmt, rs2, rs1, rm, rd); }
    public static int fsqrt(int fmt, int rd, int rs1, int rm) { return opFp(0x0b, fmt, 0, rs1, rm, rd); }
    public static int fsgnj(int fmt, int rd, int rs1, int rs2, int kind) { return opFp(4, fmt, rs2, rs1, kind, rd); }
    public static int fmin(int fmt, int rd, int rs1, int rs2) { return opFp(5, fmt, rs2, rs1, 0, rd); }
    public static int fmax(int fmt, int rd, int rs1, int rs2) { return opFp(5, fmt, rs2, rs1, 1, rd); }
    public static int feq(int fmt, int rd, int rs1, int rs2) { return opFp(0x14, fmt, rs2, rs1, 2, rd); }
    public static int flt(int fmt, int rd, int rs1, int rs2) { return opFp(0x14, fmt, rs2, rs1, 1, rd); }
    public static int fle(int fmt, int rd, int rs1, int rs2) { return opFp(0x14, fmt, rs2, rs1, 0, rd); }
    public static int fclass(int fmt, int rd, int rs1) { return opFp(0x1c, fmt, 0, rs1, 1, rd); }
    public static int fmvToX(int fmt, int rd, int rs1) { return opFp(0x1c, fmt, 0, rs1, 0, rd); }
    public static int fmvFromX(int fmt, int rd, int rs1) { return opFp(0x1e, fmt, 0, rs1, 0, rd); }
    /** fcvt.{w,wu,l,lu}.fmt: {@code kind} 0..3. */
    public static int fcvtToInt(int fmt, int kind, int rd, int rs1, int rm) { return opFp(0x18, fmt, kind, rs1, rm, rd); }
    /** fcvt.fmt.{w,wu,l,lu}. */
    public static int fcvtFromInt(int fmt, int kind, int rd, int rs1, int rm) { return opFp(0x1a, fmt, kind, rs1, rm, rd); }
    public static int fcvtSD(int rd, int rs1, int rm) { return opFp(0x08, 0, 1, rs1, rm, rd); }
    public static int fcvtDS(int rd, int rs1, int rm) { return opFp(0x08, 1, 0, rs1, rm, rd); }
    public static int fenceI() { return 0x0000100f; }
    public static int ecall() { return 0x00000073; }
    public static int ebreak() { return 0x00100073; }
    public static int nop() { return addi(0, 0, 0); }

    // ------------------------------------------------------------------ M

    public static int mul(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 0, rd, OP); }
    public static int mulh(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 1, rd, OP); }
    public static int mulhsu(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 2, rd, OP); }
    public static int mulhu(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 3, rd, OP); }
    public static int div(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 4, rd, OP); }
    public static int divu(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 5, rd, OP); }
    public static int rem(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 6, rd, OP); }
    public static int remu(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 7, rd, OP); }
    public static int mulw(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 0, rd, OP32); }
    public static int divw(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 4, rd, OP32); }
    public static int divuw(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 5, rd, OP32); }
    public static int remw(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 6, rd, OP32); }
    public static int remuw(int rd, int rs1, int rs2) { return rType(1, rs2, rs1, 7, rd, OP32); }

    // ------------------------------------------------------------------ privileged and Zicsr

    public static int mret() { return 0x30200073; }
    public static int sret() { return 0x10200073; }
    public static int wfi() { return 0x10500073; }
    public static int sfenceVma(int rs1, int rs2) { return rType(0x09, rs2, rs1, 0, 0, OP_SYSTEM); }

    private static int csrOp(int f3, int rd, int csr, int rs1OrUimm) {
        return (csr & 0xfff) << 20 | (rs1OrUimm & 31) << 15 | f3 << 12 | (rd & 31) << 7 | OP_SYSTEM;
    }

    public static int csrrw(int rd, int csr, int rs1) { return csrOp(1, rd, csr, rs1); }
    public static int csrrs(int rd, int csr, int rs1) { return csrOp(2, rd, csr, rs1); }
    public static int csrrc(int rd, int csr, int rs1) { return csrOp(3, rd, csr, rs1); }
    public static int csrrwi(int rd, int csr, int uimm) { return csrOp(5, rd, csr, uimm); }
    public static int csrrsi(int rd, int csr, int uimm) { return csrOp(6, rd, csr, uimm); }
    public static int csrrci(int rd, int csr, int uimm) { return csrOp(7, rd, csr, uimm); }
    public static int csrr(int rd, int csr) { return csrrs(rd, csr, 0); }
    public static int csrw(int csr, int rs1) { return csrrw(0, csr, rs1); }

    // ------------------------------------------------------------------ A

    public static final int AMOADD = 0x00, AMOSWAP = 0x01, LR = 0x02, SC = 0x03, AMOXOR = 0x04, AMOOR = 0x08,
            AMOAND = 0x0c, AMOMIN = 0x10, AMOMAX = 0x14, AMOMINU = 0x18, AMOMAXU = 0x1c;

    /** An A-extension instruction: {@code width} 4 (.W) or 8 (.D); aq/rl clear. */
    public static int amo(int funct5, int width, int rd, int rs1, int rs2) {
        return rType(funct5 << 2, rs2, rs1, width == 8 ? 3 : 2, rd, OP_AMO);
    }

    public static int lrW(int rd, int rs1) { return amo(LR, 4, rd, rs1, 0); }
    public static int lrD(int rd, int rs1) { return amo(LR, 8, rd, rs1, 0); }
    public static int scW(int rd, int rs1, int rs2) { return amo(SC, 4, rd, rs1, rs2); }
    public static int scD(int rd, int rs1, int rs2) { return amo(SC, 8, rd, rs1, rs2); }

    // ------------------------------------------------------------------ pseudo-instructions

    /** {@code li rd, value} as a sequence of LUI/ADDIW/ADDI/SLLI (at most 8 instructions). */
    public static int[] li(int rd, long value) {
        Program p = new Program();
        emitLi(p, rd, value);
        return p.words();
    }

    private static void emitLi(Program p, int rd, long v) {
        if (v == (int) v) {
            long hi = (v + 0x800) >> 12;
            int lo = (int) (v - (hi << 12));
            if (hi == 0) {
                p.add(addi(rd, 0, lo));
            } else {
                p.add(lui(rd, (int) hi));
                if (lo != 0 || hi == 0x80000) {
                    p.add(addiw(rd, rd, lo));
                }
            }
            return;
        }
        int lo = (int) ((v << 52) >> 52);
        long hi = (v - lo) >> 12;
        int shift = 12 + Long.numberOfTrailingZeros(hi);
        hi >>= Long.numberOfTrailingZeros(hi);
        emitLi(p, rd, hi);
        p.add(slli(rd, rd, shift));
        if (lo != 0) {
            p.add(addi(rd, rd, lo));
        }
    }

    /** A sequence of 32-bit words and 16-bit parcels, little-endian. */
    public static final class Program {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Program add(int... words) {
            for (int w : words) {
                half(w & 0xffff);
                half(w >>> 16);
            }
            return this;
        }

        /** Appends a raw 16-bit compressed parcel. */
        public Program half(int parcel) {
            out.write(parcel & 0xff);
            out.write((parcel >>> 8) & 0xff);
            return this;
        }

        public Program li(int rd, long value) {
            return add(Asm.li(rd, value));
        }

        /** Byte offset of the next instruction. */
        public int size() {
            return out.size();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        int[] words() {
            byte[] b = bytes();
            int[] w = new int[b.length / 4];
            for (int i = 0; i < w.length; i++) {
                w[i] = (b[4 * i] & 0xff) | (b[4 * i + 1] & 0xff) << 8 | (b[4 * i + 2] & 0xff) << 16
                        | (b[4 * i + 3] & 0xff) << 24;
            }
            return w;
        }
    }
}
