package io.ftvm.vmm.cpu;

/**
 * Operation numbers of decoded instructions and the packed layout of a decoded instruction.
 *
 * <p>A decoded instruction is one {@code long}, so the decode cache is a flat {@code long[]} per page and the
 * interpreter never allocates:
 *
 * <pre>
 *  bits  0..7   operation (0 = not decoded yet)
 *  bits  8..13  rd  (0..32; writes to x0 are redirected to the sink register 32)
 *  bits 14..18  rs1 (or the 5-bit immediate of CSRR*I)
 *  bits 19..23  rs2
 *  bit  24      compressed (instruction length 2 instead of 4)
 *  bits 32..63  immediate (sign-extended int; CSR number for CSR ops; raw bits for ILLEGAL; funct5 for AMOs)
 * </pre>
 *
 * Floating-point operations ({@link #isFloatingPoint}) carry their whole 32-bit instruction (a compressed one
 * expanded) as the immediate, and a compressed one its original 16 bits in bits 8..23 instead of registers (the
 * trap value of an illegal-instruction exception is the instruction as fetched).
 */
public final class Op {
    public static final int UNDECODED = 0;
    public static final int ILLEGAL = 1;
    public static final int LUI = 2;
    public static final int AUIPC = 3;
    public static final int JAL = 4;
    public static final int JALR = 5;
    public static final int BEQ = 6;
    public static final int BNE = 7;
    public static final int BLT = 8;
    public static final int BGE = 9;
    public static final int BLTU = 10;
    public static final int BGEU = 11;
    public static final int LB = 12;
    public static final int LH = 13;
    public static final int LW = 14;
    public static final int LD = 15;
    public static final int LBU = 16;
    public static final int LHU = 17;
    public static final int LWU = 18;
    public static final int SB = 19;
    public static final int SH = 20;
    public static final int SW = 21;
    public static final int SD = 22;
    public static final int ADDI = 23;
    public static final int SLTI = 24;
    public static final int SLTIU = 25;
    public static final int XORI = 26;
    public static final int ORI = 27;
    public static final int ANDI = 28;
    public static final int SLLI = 29;
    public static final int SRLI = 30;
    public static final int SRAI = 31;
    public static final int ADD = 32;
    public static final int SUB = 33;
    public static final int SLL = 34;
    public static final int SLT = 35;
    public static final int SLTU = 36;
    public static final int XOR = 37;
    public static final int SRL = 38;
    public static final int SRA = 39;
    public static final int OR = 40;
    public static final int AND = 41;
    public static final int ADDIW = 42;
    public static final int SLLIW = 43;
    public static final int SRLIW = 44;
    public static final int SRAIW = 45;
    public static final int ADDW = 46;
    public static final int SUBW = 47;
    public static final int SLLW = 48;
    public static final int SRLW = 49;
    public static final int SRAW = 50;
    public static final int MUL = 51;
    public static final int MULH = 52;
    public static final int MULHSU = 53;
    public static final int MULHU = 54;
    public static final int DIV = 55;
    public static final int DIVU = 56;
    public static final int REM = 57;
    public static final int REMU = 58;
    public static final int MULW = 59;
    public static final int DIVW = 60;
    public static final int DIVUW = 61;
    public static final int REMW = 62;
    public static final int REMUW = 63;
    public static final int FENCE = 64;
    public static final int FENCE_I = 65;
    public static final int ECALL = 66;
    public static final int EBREAK = 67;
    public static final int MRET = 68;
    public static final int SRET = 69;
    public static final int WFI = 70;
    public static final int SFENCE_VMA = 71;
    public static final int CSRRW = 72;
    public static final int CSRRS = 73;
    public static final int CSRRC = 74;
    public static final int CSRRWI = 75;
    public static final int CSRRSI = 76;
    public static final int CSRRCI = 77;
    public static final int LR_W = 78;
    public static final int SC_W = 79;
    public static final int LR_D = 80;
    public static final int SC_D = 81;
    public static final int AMO_W = 82;
    public static final int AMO_D = 83;
    /** F and D: loads and stores; then {@link #FP_S} and {@link #FP_D}, each followed by {@link FpDecoder}'s ops. */
    public static final int FLW = 84;
    public static final int FLD = 85;
    public static final int FSW = 86;
    public static final int FSD = 87;
    /** The first single-precision operation ({@code FP_S + FpDecoder.ADD} ...). */
    public static final int FP_S = 88;
    /** The first double-precision operation. */
    public static final int FP_D = FP_S + FpDecoder.OPS;
    /** Number of operations; every value above is below this. */
    public static final int COUNT = FP_D + FpDecoder.OPS;

    /**
     * Never produced by a decoder: the hart's stand-in for the instruction at a debugger breakpoint, which ends the
     * run before that instruction (see {@code Cpu.setBreakpoints}).
     */
    public static final int DEBUG_BREAK = 255;

    /** Destination index used for writes to x0: the register file has a 33rd sink slot. */
    public static final int SINK = 32;

    private Op() {
    }

    public static long pack(int op, int rd, int rs1, int rs2, int imm, boolean compressed) {
        int dest = rd == 0 ? SINK : rd;
        return (op & 0xffL)
                | ((long) dest << 8)
                | ((long) rs1 << 14)
                | ((long) rs2 << 19)
                | (compressed ? 1L << 24 : 0L)
                | ((long) imm << 32);
    }

    /** A floating-point operation: its fields are those of the instruction in {@link #imm}. */
    public static boolean isFloatingPoint(int op) {
        return op >= FLW && op < COUNT;
    }

    /** The name of a floating-point operation of {@link #FP_S} or {@link #FP_D} ({@code FADD_S}...). */
    public static String floatingPointName(int op) {
        return FpDecoder.name(op);
    }

    /**
     * The rounding mode field of a decoded floating-point operation that rounds (0-4 static, 7 dynamic), or -1 for
     * one that does not (loads, stores, sign injection, comparisons, moves, classification).
     */
    public static int roundingMode(long d) {
        int op = op(d);
        if (op < FP_S || op >= COUNT) {
            return -1;
        }
        return FpDecoder.rounds(op - (op >= FP_D ? FP_D : FP_S)) ? (imm(d) >>> 12) & 7 : -1;
    }

    /** Packs a floating-point operation: the (expanded) instruction bits as the immediate. */
    static long packFloatingPoint(int op, int instruction) {
        return (op & 0xffL) | ((long) instruction << 32);
    }

    public static int op(long d) {
        return (int) d & 0xff;
    }

    public static int rd(long d) {
        return (int) (d >>> 8) & 0x3f;
    }

    public static int rs1(long d) {
        return (int) (d >>> 14) & 0x1f;
    }

    public static int rs2(long d) {
        return (int) (d >>> 19) & 0x1f;
    }

    public static int imm(long d) {
        return (int) (d >> 32);
    }

    public static int length(long d) {
        return (d & (1L << 24)) != 0 ? 2 : 4;
    }

    public static boolean compressed(long d) {
        return (d & (1L << 24)) != 0;
    }
}
