package io.ftvm.vmm.fpu;

import static io.ftvm.vmm.fpu.FpFormat.F32;
import static io.ftvm.vmm.fpu.FpFormat.F64;
import static io.ftvm.vmm.fpu.RoundingMode.RNE;

/**
 * One hart's floating-point unit: the F and D operations on register values (binary32 values NaN-boxed in the
 * 64-bit registers: {@link #box}/{@link #unbox}), with the accrued flags of {@code fflags}.
 *
 * <p>Round-to-nearest-even on ordinary operands — nearly every operation a program executes — runs on the host's
 * IEEE arithmetic, with the inexact flag found by an error-free transformation (the exact error of a sum, product,
 * quotient or fused result is a representable number whose sign and non-zeroness the host computes exactly), or not
 * looked for at all once NX is already set (then only overflow and underflow matter, and results in range have
 * none). Everything else — other rounding modes, NaNs, infinities, results near overflow or underflow, operands
 * whose error terms could underflow — takes the exact integer path ({@link SoftFloat}). Nothing allocates.
 */
public final class Fpu {
    /** The upper half of a NaN-boxed binary32 value. */
    private static final long BOX = 0xffff_ffff_0000_0000L;
    /** Host results and operands kept between these magnitudes have error terms clear of underflow and overflow. */
    private static final double LOW = 0x1p-900;
    private static final double HIGH = 0x1p+900;
    private static final float LOW_F = 0x1p-100f;
    private static final float HIGH_F = 0x1p+100f;

    private final SoftFloat soft = new SoftFloat();
    private final FpConvert convert = new FpConvert(soft);
    private final FpCompare compare = new FpCompare(soft);

    /** The accrued flags ({@code fflags}). */
    public int flags() {
        return soft.flags();
    }

    /** Sets the accrued flags (a write of {@code fflags} or {@code fcsr}). */
    public void setFlags(int f) {
        soft.clearFlags();
        soft.raise(f & FpFlags.ALL);
    }

    public SoftFloat soft() {
        return soft;
    }

    public FpConvert convert() {
        return convert;
    }

    public FpCompare compare() {
        return compare;
    }

    /** A binary32 value as a register holds it. */
    public static long box(long f32) {
        return (f32 & 0xffff_ffffL) | BOX;
    }

    /** The binary32 value in a register: the canonical NaN unless it is properly NaN-boxed. */
    public static long unbox(long reg) {
        return (reg & BOX) == BOX ? reg & 0xffff_ffffL : F32.canonicalNaN;
    }

    private boolean inexactKnown() {
        return (soft.flags() & FpFlags.NX) != 0;
    }

    private static boolean ordinary(double x) {
        double m = Math.abs(x);
        return m >= LOW && m <= HIGH;
    }

    private static boolean ordinary(float x) {
        float m = Math.abs(x);
        return m >= LOW_F && m <= HIGH_F;
    }

    // ------------------------------------------------------------------------------------------------ binary64

    public long addD(long a, long b, int rm) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double r = x + y;
            if (ordinary(x) && ordinary(y) && ordinary(r)) {
                if (!inexactKnown()) {
                    double yy = r - x; // TwoSum: the exact error of r
                    double err = (x - (r - yy)) + (y - yy);
                    if (err != 0) {
                        soft.raise(FpFlags.NX);
                    }
                }
                return Double.doubleToRawLongBits(r);
            }
        }
        return soft.add(F64, a, b, rm);
    }

    public long subD(long a, long b, int rm) {
        return Double.isNaN(Double.longBitsToDouble(b)) ? soft.sub(F64, a, b, rm) : addD(a, b ^ Long.MIN_VALUE, rm);
    }

    public long mulD(long a, long b, int rm) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double r = x * y;
            if (ordinary(x) && ordinary(y) && ordinary(r)) {
                if (!inexactKnown() && Math.fma(x, y, -r) != 0) {
                    soft.raise(FpFlags.NX);
                }
                return Double.doubleToRawLongBits(r);
            }
        }
        return soft.mul(F64, a, b, rm);
    }

    public long divD(long a, long b, int rm) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double r = x / y;
            if (ordinary(x) && ordinary(y) && ordinary(r)) {
                if (!inexactKnown() && Math.fma(-r, y, x) != 0) { // the remainder is exact
                    soft.raise(FpFlags.NX);
                }
                return Double.doubleToRawLongBits(r);
            }
        }
        return soft.div(F64, a, b, rm);
    }

    public long sqrtD(long a, int rm) {
        return soft.sqrt(F64, a, rm);
    }

    /** {@code a * b + c}; the negated forms flip the signs of the product and of {@code c} before the call. */
    public long fmaD(long a, long b, long c, int rm) {
        if (rm == RNE && inexactKnown()) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double z = Double.longBitsToDouble(c);
            double r = Math.fma(x, y, z);
            if (ordinary(x) && ordinary(y) && ordinary(z) && ordinary(r)) {
                return Double.doubleToRawLongBits(r);
            }
        }
        return soft.fma(F64, a, b, c, rm);
    }

    // ------------------------------------------------------------------------------------------------ binary32
    // Computed in binary64: sums, products and quotients of binary32 values rounded to binary64 and then to
    // binary32 are correctly rounded (53 >= 2 * 24 + 2), and products are exact in binary64.

    public long addS(long ra, long rb, int rm) {
        long a = unbox(ra);
        long b = unbox(rb);
        if (rm == RNE) {
            float x = Float.intBitsToFloat((int) a);
            float y = Float.intBitsToFloat((int) b);
            double xd = x;
            double yd = y;
            double sum = xd + yd;
            float r = (float) sum;
            if (ordinary(x) && ordinary(y) && ordinary(r)) {
                if (!inexactKnown()) {
                    double yy = sum - xd;
                    double err = (xd - (sum - yy)) + (yd - yy);
                    if (err != 0 || r != sum) {
                        soft.raise(FpFlags.NX);
                    }
                }
                return box(Float.floatToRawIntBits(r));
            }
        }
        return box(soft.add(F32, a, b, rm));
    }

    public long subS(long ra, long rb, int rm) {
        long b = unbox(rb);
        return F32.isNaN(b) ? box(soft.sub(F32, unbox(ra), b, rm)) : addS(ra, box(b ^ F32.signBit), rm);
    }

    public long mulS(long ra, long rb, int rm) {
        long a = unbox(ra);
        long b = unbox(rb);
        if (rm == RNE) {
            float x = Float.intBitsToFloat((int) a);
            float y = Float.intBitsToFloat((int) b);
            double product = (double) x * y; // exact
            float r = (float) product;
            if (ordinary(x) && ordinary(y) && ordinary(r)) {
                if (r != product) {
                    soft.raise(FpFlags.NX);
                }
                return box(Float.floatToRawIntBits(r));
            }
        }
        return box(soft.mul(F32, a, b, rm));
    }

    public long divS(long ra, long rb, int rm) {
        long a = unbox(ra);
        long b = unbox(rb);
        if (rm == RNE) {
            float x = Float.intBitsToFloat((int) a);
            float y = Float.intBitsToFloat((int) b);
            float r = (float) ((double) x / y);
            if (ordinary(x) && ordinary(y) && ordinary(r)) {
                if ((double) r * y != x) { // exact product: the quotient is exact iff it gives x back
                    soft.raise(FpFlags.NX);
                }
                return box(Float.floatToRawIntBits(r));
            }
        }
        return box(soft.div(F32, a, b, rm));
    }

    public long sqrtS(long ra, int rm) {
        return box(soft.sqrt(F32, unbox(ra), rm));
    }

    public long fmaS(long ra, long rb, long rc, int rm) {
        long a = unbox(ra);
        long b = unbox(rb);
        long c = unbox(rc);
        if (rm == RNE) {
            float x = Float.intBitsToFloat((int) a);
            float y = Float.intBitsToFloat((int) b);
            float z = Float.intBitsToFloat((int) c);
            double product = (double) x * y; // exact
            double sum = product + z;
            double yy = sum - product;
            double err = (product - (sum - yy)) + (z - yy);
            float r = (float) sum;
            if (err == 0 && ordinary(x) && ordinary(y) && ordinary(z) && ordinary(r)) { // sum exact: one rounding
                if (r != sum) {
                    soft.raise(FpFlags.NX);
                }
                return box(Float.floatToRawIntBits(r));
            }
        }
        return box(soft.fma(F32, a, b, c, rm));
    }
}
