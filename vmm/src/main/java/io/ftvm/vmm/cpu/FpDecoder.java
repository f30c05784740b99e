package io.ftvm.vmm.cpu;

/**
 * Decodes the F and D extensions (opcodes LOAD-FP, STORE-FP, the four fused multiply-adds and OP-FP) into
 * floating-point operations of {@link Op}: {@link Op#FLW}..{@link Op#FSD}, or {@link Op#FP_S}/{@link Op#FP_D} plus
 * one of the per-format operations below. Strict: other formats (half, quad), reserved funct codes, non-zero fields
 * the specification requires to be zero, and the reserved static rounding modes 5 and 6 decode to
 * {@link Op#ILLEGAL}. The dynamic mode (7) is checked against {@code frm} when the instruction executes.
 */
final class FpDecoder {
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;
    static final int SQRT = 4;
    static final int SGNJ = 5;
    static final int SGNJN = 6;
    static final int SGNJX = 7;
    static final int MIN = 8;
    static final int MAX = 9;
    static final int EQ = 10;
    static final int LT = 11;
    static final int LE = 12;
    static final int CLASS = 13;
    static final int MADD = 14;
    static final int MSUB = 15;
    static final int NMSUB = 16;
    static final int NMADD = 17;
    /** To an integer: W, WU, L, LU (in {@link io.ftvm.vmm.fpu.FpConvert.IntKind} order). */
    static final int CVT_TO_INT = 18;
    /** From an integer: W, WU, L, LU. */
    static final int CVT_FROM_INT = 22;
    /** {@code fmv.x.w} / {@code fmv.x.d}. */
    static final int MV_TO_X = 26;
    /** {@code fmv.w.x} / {@code fmv.d.x}. */
    static final int MV_FROM_X = 27;
    /** {@code fcvt.s.d} (single group) / {@code fcvt.d.s} (double group). */
    static final int CVT_FROM_OTHER = 28;
    /** Operations per format. */
    static final int OPS = 29;
    private static final String[] NAMES = {"FADD", "FSUB", "FMUL", "FDIV", "FSQRT", "FSGNJ", "FSGNJN", "FSGNJX",
        "FMIN", "FMAX", "FEQ", "FLT", "FLE", "FCLASS", "FMADD", "FMSUB", "FNMSUB", "FNMADD", "FCVT_W", "FCVT_WU",
        "FCVT_L", "FCVT_LU", "FCVT_FROM_W", "FCVT_FROM_WU", "FCVT_FROM_L", "FCVT_FROM_LU", "FMV_TO_X", "FMV_FROM_X",
        "FCVT_FROM_OTHER_FORMAT"};

    /** The name of a per-format operation, with its format: {@code FADD_S}, {@code FCVT_L_D}... */
    static String name(int op) {
        boolean dbl = op >= Op.FP_D;
        return NAMES[op - (dbl ? Op.FP_D : Op.FP_S)] + (dbl ? "_D" : "_S");
    }

    /** Whether per-format operation {@code k} has a rounding mode (its funct3 is rm). */
    static boolean rounds(int k) {
        return k <= SQRT || (k >= MADD && k <= NMADD) || (k >= CVT_TO_INT && k < MV_TO_X) || k == CVT_FROM_OTHER;
    }

    private FpDecoder() {
    }

    /** Decodes a 32-bit instruction with one of the floating-point major opcodes. */
    static long decode(int i) {
        int opcode = i & 0x7f;
        int f3 = (i >>> 12) & 7;
        switch (opcode) {
            case 0x07:
                return f3 == 2 ? fp(Op.FLW, i) : f3 == 3 ? fp(Op.FLD, i) : Decoder.illegal(i, false);
            case 0x27:
                return f3 == 2 ? fp(Op.FSW, i) : f3 == 3 ? fp(Op.FSD, i) : Decoder.illegal(i, false);
            case 0x43: case 0x47: case 0x4b: case 0x4f: {
                int base = base((i >>> 25) & 3);
                if (base < 0 || !staticRoundingValid(f3)) {
                    return Decoder.illegal(i, false);
                }
                return fp(base + MADD + ((opcode - 0x43) >>> 2), i);
            }
            case 0x53:
                return opFp(i, f3);
            default:
                return Decoder.illegal(i, false);
        }
    }

    /**
     * The first operation of format {@code fmt} (0 single, 1 double), or -1 for half and quad precision, which are
     * not part of RV64GC and decode as illegal instructions.
     */
    private static int base(int fmt) {
        return fmt == 0 ? Op.FP_S : fmt == 1 ? Op.FP_D : -1;
    }

    private static boolean staticRoundingValid(int rm) {
        return rm != 5 && rm != 6;
    }

    private static long fp(int op, int i) {
        return Op.packFloatingPoint(op, i);
    }

    private static long opFp(int i, int f3) {
        int base = base((i >>> 25) & 3);
        int f5 = i >>> 27;
        int rs2 = (i >>> 20) & 0x1f;
        if (base < 0) {
            return Decoder.illegal(i, false);
        }
        int op;
        boolean rounds = true;
        switch (f5) {
            case 0x00: op = ADD; break;
            case 0x01: op = SUB; break;
            case 0x02: op = MUL; break;
            case 0x03: op = DIV; break;
            case 0x0b:
                if (rs2 != 0) {
                    return Decoder.illegal(i, false);
                }
                op = SQRT;
                break;
            case 0x04:
                if (f3 > 2) {
                    return Decoder.illegal(i, false);
                }
                op = SGNJ + f3;
                rounds = false;
                break;
            case 0x05:
                if (f3 > 1) {
                    return Decoder.illegal(i, false);
                }
                op = MIN + f3;
                rounds = false;
                break;
            case 0x14:
                if (f3 > 2) {
                    return Decoder.illegal(i, false);
                }
                op = f3 == 2 ? EQ : f3 == 1 ? LT : LE;
                rounds = false;
                break;
            case 0x1c:
                if (rs2 != 0 || f3 > 1) {
                    return Decoder.illegal(i, false);
                }
                op = f3 == 0 ? MV_TO_X : CLASS;
                rounds = false;
                break;
            case 0x1e:
                if (rs2 != 0 || f3 != 0) {
                    return Decoder.illegal(i, false);
                }
                op = MV_FROM_X;
                rounds = false;
                break;
            case 0x18:
                if (rs2 > 3) {
                    return Decoder.illegal(i, false);
                }
                op = CVT_TO_INT + rs2;
                break;
            case 0x1a:
                if (rs2 > 3) {
                    return Decoder.illegal(i, false);
                }
                op = CVT_FROM_INT + rs2;
                break;
            case 0x08:
                // fcvt.s.d: fmt S, source D (rs2 = 1); fcvt.d.s: fmt D, source S (rs2 = 0)
                if (rs2 != (base == Op.FP_S ? 1 : 0)) {
                    return Decoder.illegal(i, false);
                }
                op = CVT_FROM_OTHER;
                break;
            default:
                return Decoder.illegal(i, false);
        }
        if (rounds && !staticRoundingValid(f3)) {
            return Decoder.illegal(i, false);
        }
        return fp(base + op, i);
    }
}
