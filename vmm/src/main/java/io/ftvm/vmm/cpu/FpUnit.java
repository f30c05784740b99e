package io.ftvm.vmm.cpu;

import io.ftvm.vmm.fpu.FpCompare;
import io.ftvm.vmm.fpu.FpConvert;
import io.ftvm.vmm.fpu.FpFormat;
import io.ftvm.vmm.fpu.Fpu;
import io.ftvm.vmm.fpu.RoundingMode;
import io.ftvm.vmm.memory.Hasher;

/**
 * The hart's F and D state — 32 registers of 64 bits (binary32 values NaN-boxed), {@code frm} and the accrued
 * flags — and the execution of the floating-point operations the interpreter and translated blocks hand it.
 *
 * <p>With {@code mstatus.FS} Off every floating-point instruction raises an illegal-instruction exception (so does
 * a dynamic rounding mode while {@code frm} holds a reserved value); one that changes any floating-point state sets
 * FS to Dirty. The trap value is the instruction as fetched. Arithmetic is {@link Fpu}'s; nothing allocates.
 */
final class FpUnit {
    private static final FpConvert.IntKind[] KINDS = FpConvert.IntKind.values();

    private final Cpu cpu;
    private final CsrFile csrs;
    private final DataPath data;
    private final Fpu fpu = new Fpu();
    final long[] f = new long[32];
    int frm;

    FpUnit(Cpu cpu, CsrFile csrs, DataPath data) {
        this.cpu = cpu;
        this.csrs = csrs;
        this.data = data;
    }

    int flags() {
        return fpu.flags();
    }

    void setFlags(int flags) {
        fpu.setFlags(flags);
    }

    /** {@code fcsr}: frm in bits 7..5, the flags in 4..0. */
    long fcsr() {
        return ((long) frm << 5) | fpu.flags();
    }

    void setFcsr(long v) {
        frm = (int) (v >>> 5) & 7;
        fpu.setFlags((int) v & 0x1f);
    }

    /** Adds the floating-point state to a state digest. */
    void hashState(Hasher h) {
        for (long r : f) {
            h.put(r);
        }
        h.put(fcsr());
    }

    /** The illegal-instruction trap of {@code d}: its value is the instruction as fetched (16 bits if compressed). */
    static Trap illegal(long d) {
        int bits = Op.compressed(d) ? (int) (d >>> 8) & 0xffff : Op.imm(d);
        return new Trap(Cause.ILLEGAL_INSTRUCTION, bits & 0xffffffffL);
    }

    private void dirty() {
        if ((csrs.mstatus & Csr.FS) != Csr.FS) {
            csrs.mstatus |= Csr.FS;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Entry points of the common operations, small enough for HotSpot to inline into translated blocks, which call
    // them with constant arguments ({@code d} is the decoded instruction, for the trap value).

    /** Illegal while mstatus.FS is Off. */
    private void on(long d) {
        if ((csrs.mstatus & Csr.FS) == 0) {
            throw illegal(d);
        }
    }

    /** {@code fld}/{@code flw} (a binary32 value is NaN-boxed). */
    void load(long d, boolean dbl, int rd, long address) {
        on(d);
        f[rd] = dbl ? data.ld(address) : Fpu.box(data.lwu(address));
        dirty();
    }

    /** {@code fsd}/{@code fsw}. */
    void store(long d, boolean dbl, int rs2, long address) {
        on(d);
        if (dbl) {
            data.sd(address, f[rs2]);
        } else {
            data.sw(address, f[rs2]);
        }
    }

    /** fadd, fsub, fmul, fdiv ({@code k}) of either format; {@code rm} as encoded (7: frm). */
    void arithmetic(long d, int k, boolean dbl, int rd, int rs1, int rs2, int rm) {
        on(d);
        int mode = rounding(d, rm == RoundingMode.DYN ? frm : rm);
        long a = f[rs1];
        long b = f[rs2];
        f[rd] = switch (k) {
            case FpDecoder.ADD -> dbl ? fpu.addD(a, b, mode) : fpu.addS(a, b, mode);
            case FpDecoder.SUB -> dbl ? fpu.subD(a, b, mode) : fpu.subS(a, b, mode);
            case FpDecoder.MUL -> dbl ? fpu.mulD(a, b, mode) : fpu.mulS(a, b, mode);
            default -> dbl ? fpu.divD(a, b, mode) : fpu.divS(a, b, mode);
        };
        dirty();
    }

    /** The four fused multiply-adds ({@code k}) of either format. */
    void fusedMultiplyAdd(long d, int k, boolean dbl, int rd, int rs1, int rs2, int rs3, int rm) {
        on(d);
        f[rd] = fused(k, dbl, f[rs1], f[rs2], f[rs3], rounding(d, rm == RoundingMode.DYN ? frm : rm));
        dirty();
    }

    /** fsgnj, fsgnjn, fsgnjx ({@code kind} 0-2) of either format; fmv and fneg and fabs are these. */
    void signInjection(long d, int kind, boolean dbl, int rd, int rs1, int rs2) {
        on(d);
        FpFormat fmt = dbl ? FpFormat.F64 : FpFormat.F32;
        f[rd] = result(dbl, FpCompare.injectSign(fmt, value(dbl, f[rs1]), value(dbl, f[rs2]), kind));
        dirty();
    }

    /** Executes floating-point operation {@code d}; integer results and sources are in {@code x}. */
    void execute(long d, long[] x) {
        on(d);
        int i = Op.imm(d);
        int op = Op.op(d);
        int rd = (i >>> 7) & 0x1f;
        int rs1 = (i >>> 15) & 0x1f;
        switch (op) {
            case Op.FLW: case Op.FLD:
                load(d, op == Op.FLD, rd, x[rs1] + (i >> 20));
                return;
            case Op.FSW: case Op.FSD:
                store(d, op == Op.FSD, (i >>> 20) & 0x1f, x[rs1] + storeOffset(i));
                return;
            default:
                break;
        }
        boolean dbl = op >= Op.FP_D;
        int k = op - (dbl ? Op.FP_D : Op.FP_S);
        int rs2 = (i >>> 20) & 0x1f;
        int rm = (i >>> 12) & 7;
        if (rm == RoundingMode.DYN) {
            rm = frm;
        }
        int flagsBefore = fpu.flags();
        long a = f[rs1];
        long b = f[rs2];
        FpFormat fmt = dbl ? FpFormat.F64 : FpFormat.F32;
        switch (k) {
            case FpDecoder.ADD: case FpDecoder.SUB: case FpDecoder.MUL: case FpDecoder.DIV:
                arithmetic(d, k, dbl, rd, rs1, rs2, (i >>> 12) & 7);
                return;
            case FpDecoder.SQRT: f[rd] = dbl ? fpu.sqrtD(a, rounding(d, rm)) : fpu.sqrtS(a, rounding(d, rm)); break;
            case FpDecoder.MADD: case FpDecoder.MSUB: case FpDecoder.NMSUB: case FpDecoder.NMADD:
                fusedMultiplyAdd(d, k, dbl, rd, rs1, rs2, i >>> 27, (i >>> 12) & 7);
                return;
            case FpDecoder.SGNJ: case FpDecoder.SGNJN: case FpDecoder.SGNJX:
                signInjection(d, k - FpDecoder.SGNJ, dbl, rd, rs1, rs2);
                return;
            case FpDecoder.MIN: case FpDecoder.MAX:
                f[rd] = result(dbl, fpu.compare().minMax(fmt, value(dbl, a), value(dbl, b), k == FpDecoder.MAX));
                break;
            case FpDecoder.EQ: x[sink(rd)] = fpu.compare().eq(fmt, value(dbl, a), value(dbl, b)); break;
            case FpDecoder.LT: x[sink(rd)] = fpu.compare().lt(fmt, value(dbl, a), value(dbl, b)); break;
            case FpDecoder.LE: x[sink(rd)] = fpu.compare().le(fmt, value(dbl, a), value(dbl, b)); break;
            case FpDecoder.CLASS: x[sink(rd)] = FpCompare.classify(fmt, value(dbl, a)); break;
            case FpDecoder.MV_TO_X: x[sink(rd)] = dbl ? a : (long) (int) a; break; // bits as they are, no unboxing
            case FpDecoder.MV_FROM_X: f[rd] = dbl ? x[rs1] : Fpu.box(x[rs1]); break;
            case FpDecoder.CVT_FROM_OTHER:
                f[rd] = dbl ? fpu.convert().convert(FpFormat.F32, FpFormat.F64, Fpu.unbox(a), rounding(d, rm))
                        : Fpu.box(fpu.convert().convert(FpFormat.F64, FpFormat.F32, a, rounding(d, rm)));
                break;
            default:
                if (k >= FpDecoder.CVT_TO_INT && k < FpDecoder.CVT_TO_INT + 4) {
                    x[sink(rd)] = fpu.convert().toInt(fmt, value(dbl, a), KINDS[k - FpDecoder.CVT_TO_INT],
                            rounding(d, rm));
                } else if (k >= FpDecoder.CVT_FROM_INT && k < FpDecoder.CVT_FROM_INT + 4) {
                    f[rd] = result(dbl, fpu.convert().fromInt(fmt, x[rs1], KINDS[k - FpDecoder.CVT_FROM_INT],
                            rounding(d, rm)));
                } else {
                    throw illegal(d);
                }
                break;
        }
        x[Op.SINK] = 0;
        if (writesF(k) || fpu.flags() != flagsBefore) {
            dirty();
        }
    }

    /** The x register an integer result goes to: x0's writes go to the sink slot. */
    private static int sink(int rd) {
        return rd == 0 ? Op.SINK : rd;
    }

    private static boolean writesF(int k) {
        return k < FpDecoder.EQ || (k >= FpDecoder.MADD && k <= FpDecoder.NMADD)
                || (k >= FpDecoder.CVT_FROM_INT && k < FpDecoder.CVT_FROM_INT + 4) || k == FpDecoder.MV_FROM_X
                || k == FpDecoder.CVT_FROM_OTHER;
    }

    /** {@code rm} if it is a rounding mode; a reserved {@code frm} behind a dynamic mode is illegal. */
    private static int rounding(long d, int rm) {
        if (rm > RoundingMode.RMM) {
            throw illegal(d);
        }
        return rm;
    }

    /** The operand of a register: a double's bits, or a single's unboxed bits. */
    private static long value(boolean dbl, long reg) {
        return dbl ? reg : Fpu.unbox(reg);
    }

    private static long result(boolean dbl, long bits) {
        return dbl ? bits : Fpu.box(bits);
    }

    /** The four fused multiply-adds: ±(a * b) ± c. */
    private long fused(int k, boolean dbl, long a, long b, long c, int rm) {
        boolean negateProduct = k == FpDecoder.NMSUB || k == FpDecoder.NMADD;
        boolean negateAddend = k == FpDecoder.MSUB || k == FpDecoder.NMADD;
        if (dbl) {
            return fpu.fmaD(negateProduct ? a ^ Long.MIN_VALUE : a, b, negateAddend ? c ^ Long.MIN_VALUE : c, rm);
        }
        // An improperly boxed single is the canonical NaN: unbox before negating.
        long ua = Fpu.unbox(a);
        long uc = Fpu.unbox(c);
        return fpu.fmaS(Fpu.box(negateProduct ? ua ^ 0x8000_0000L : ua), b,
                Fpu.box(negateAddend ? uc ^ 0x8000_0000L : uc), rm);
    }

    private static int storeOffset(int i) {
        return ((i >> 25) << 5) | ((i >>> 7) & 0x1f);
    }
}
