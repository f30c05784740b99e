package io.ftvm.vmm.fpu;

import static io.ftvm.vmm.fpu.RoundingMode.RDN;
import static io.ftvm.vmm.fpu.RoundingMode.RMM;
import static io.ftvm.vmm.fpu.RoundingMode.RNE;
import static io.ftvm.vmm.fpu.RoundingMode.RTZ;
import static io.ftvm.vmm.fpu.RoundingMode.RUP;

/**
 * IEEE 754 arithmetic in integers, exact in every rounding mode and for every operand (the semantics of Berkeley
 * SoftFloat with the RISC-V specialisation: NaN results are the canonical NaN, signaling NaN operands raise NV,
 * tininess is detected after rounding). The slow path of {@link Fpu}; also its reference in tests.
 *
 * <p>Finite non-zero operands are unpacked into a significand with its leading one at bit 62 of a {@code long} and an
 * unbiased exponent ({@code value = sig * 2^(exp - 62)}); results are computed exactly or with a sticky bit in bit 0,
 * then rounded once by {@link #roundPack}. Accrued flags collect in this object ({@link #flags}); it is one hart's,
 * not shared. Nothing here allocates.
 */
public final class SoftFloat {
    private int flags;
    /** Scratch of {@link #unpack}: the significand and exponent of the last operand unpacked. */
    private long uSig;
    private int uExp;
    /** Scratch of the 128-bit helpers. */
    private long hi;
    private long lo;

    /** The flags accrued since the last {@link #clearFlags}. */
    public int flags() {
        return flags;
    }

    public void clearFlags() {
        flags = 0;
    }

    /** Raises {@code f} (some of {@link FpFlags}). */
    public void raise(int f) {
        flags |= f;
    }

    // ------------------------------------------------------------------------------------------------ rounding

    /**
     * Rounds {@code sig * 2^(exp - 62)} (sig positive, bit 63 clear; bit 0 may be a sticky bit) to {@code f} in mode
     * {@code rm}, raising NX, UF (tiny after rounding and inexact) and OF as they apply.
     */
    long roundPack(FpFormat f, boolean negative, int exp, long sig, int rm) {
        int lz = Long.numberOfLeadingZeros(sig) - 1;
        sig <<= lz;
        exp -= lz;
        int shift = f.roundShift;
        long mask = (1L << shift) - 1;
        long half = 1L << (shift - 1);
        long increment = switch (rm) {
            case RNE, RMM -> half;
            case RDN -> negative ? mask : 0;
            case RUP -> negative ? 0 : mask;
            default -> 0; // RTZ
        };
        int e = exp + f.bias; // biased exponent of the leading bit
        boolean tiny = false;
        if (e < 1) {
            // Tiny after rounding: below the smallest normal even when rounded with an unbounded exponent.
            tiny = e < 0 || sig + increment >= 0;
            sig = shiftRightJam(sig, 1 - e);
            e = 1;
        }
        long roundBits = sig & mask;
        long rounded = sig + increment;
        if (rounded < 0) { // carried into bit 63: one more binade (normal range only)
            rounded >>>= 1;
            e++;
        }
        long significand = rounded >>> shift;
        if (rm == RNE && roundBits == half) {
            significand &= ~1L; // a tie: to even
        }
        if (e >= f.expOnes) {
            flags |= FpFlags.OF | FpFlags.NX;
            return overflow(f, negative, rm);
        }
        if (roundBits != 0) {
            flags |= tiny ? FpFlags.NX | FpFlags.UF : FpFlags.NX;
        }
        // The hidden bit of a normal significand adds one to the exponent field (a subnormal has none: field 0).
        long bits = ((long) (e - 1) << f.fracBits) + significand;
        return negative ? bits | f.signBit : bits;
    }

    private static long overflow(FpFormat f, boolean negative, int rm) {
        boolean toInfinity = switch (rm) {
            case RNE, RMM -> true;
            case RDN -> negative;
            case RUP -> !negative;
            default -> false;
        };
        long magnitude = toInfinity ? f.infinity : f.maxFinite;
        return negative ? magnitude | f.signBit : magnitude;
    }

    /** {@code a >>> n} with every bit shifted out ORed into bit 0. */
    static long shiftRightJam(long a, int n) {
        if (n <= 0) {
            return a;
        }
        if (n >= 63) {
            return a != 0 ? 1 : 0;
        }
        return (a >>> n) | ((a & ((1L << n) - 1)) != 0 ? 1 : 0);
    }

    /** Unpacks finite non-zero {@code bits} into {@link #uSig} (leading one at bit 62) and {@link #uExp}. */
    private void unpack(FpFormat f, long bits) {
        uSig = f.significand(bits);
        uExp = f.unbiasedExponent(bits);
    }

    /** The canonical NaN, raising NV when an operand is a signaling NaN. */
    private long nan(FpFormat f, long a, long b) {
        if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
            flags |= FpFlags.NV;
        }
        return f.canonicalNaN;
    }

    private long invalid(FpFormat f) {
        flags |= FpFlags.NV;
        return f.canonicalNaN;
    }

    // ------------------------------------------------------------------------------------------------ arithmetic

    /** {@code a + b}. */
    public long add(FpFormat f, long a, long b, int rm) {
        a = f.clean(a);
        b = f.clean(b);
        if (f.isNaN(a) || f.isNaN(b)) {
            return nan(f, a, b);
        }
        boolean na = f.negative(a);
        boolean nb = f.negative(b);
        if (f.isInfinite(a)) {
            return f.isInfinite(b) && na != nb ? invalid(f) : a;
        }
        if (f.isInfinite(b)) {
            return b;
        }
        if (f.isZero(a)) {
            return f.isZero(b) ? (na == nb ? a : f.zero(rm == RDN)) : b;
        }
        if (f.isZero(b)) {
            return a;
        }
        unpack(f, a);
        long sa = uSig;
        int ea = uExp;
        unpack(f, b);
        long sb = uSig;
        int eb = uExp;
        if (ea < eb || (ea == eb && sa < sb)) { // a: the larger magnitude
            long s = sa;
            sa = sb;
            sb = s;
            int e = ea;
            ea = eb;
            eb = e;
            boolean n = na;
            na = nb;
            nb = n;
        }
        // One bit of headroom (the low bits of unpacked significands are zero: nothing is lost).
        long x = sa >>> 1;
        long y = shiftRightJam(sb >>> 1, ea - eb);
        if (na == nb) {
            return roundPack(f, na, ea + 1, x + y, rm);
        }
        if (x == y) {
            return f.zero(rm == RDN); // exact cancellation
        }
        return roundPack(f, na, ea + 1, x - y, rm);
    }

    /** {@code a - b}. */
    public long sub(FpFormat f, long a, long b, int rm) {
        b = f.clean(b);
        return add(f, a, f.isNaN(b) ? b : b ^ f.signBit, rm);
    }

    /** {@code a * b}. */
    public long mul(FpFormat f, long a, long b, int rm) {
        a = f.clean(a);
        b = f.clean(b);
        if (f.isNaN(a) || f.isNaN(b)) {
            return nan(f, a, b);
        }
        boolean negative = f.negative(a) ^ f.negative(b);
        if (f.isInfinite(a) || f.isInfinite(b)) {
            return f.isZero(a) || f.isZero(b) ? invalid(f) : f.infinity(negative);
        }
        if (f.isZero(a) || f.isZero(b)) {
            return f.zero(negative);
        }
        unpack(f, a);
        long sa = uSig;
        int ea = uExp;
        unpack(f, b);
        long high = Math.multiplyHigh(sa, uSig);
        long low = sa * uSig;
        long sig = (high << 1) | (low >>> 63) | ((low << 1) != 0 ? 1 : 0);
        return roundPack(f, negative, ea + uExp + 1, sig, rm);
    }

    /** {@code a / b}; a finite non-zero {@code a} over zero raises DZ. */
    public long div(FpFormat f, long a, long b, int rm) {
        a = f.clean(a);
        b = f.clean(b);
        if (f.isNaN(a) || f.isNaN(b)) {
            return nan(f, a, b);
        }
        boolean negative = f.negative(a) ^ f.negative(b);
        if (f.isInfinite(a)) {
            return f.isInfinite(b) ? invalid(f) : f.infinity(negative);
        }
        if (f.isInfinite(b)) {
            return f.zero(negative);
        }
        if (f.isZero(b)) {
            if (f.isZero(a)) {
                return invalid(f);
            }
            flags |= FpFlags.DZ;
            return f.infinity(negative);
        }
        if (f.isZero(a)) {
            return f.zero(negative);
        }
        unpack(f, a);
        long rem = uSig;
        int ea = uExp;
        unpack(f, b);
        long divisor = uSig;
        long q = 0;
        for (int i = 0; i < 63; i++) { // restoring division: q = floor(sa / sb * 2^62)
            q <<= 1;
            if (Long.compareUnsigned(rem, divisor) >= 0) {
                rem -= divisor;
                q |= 1;
            }
            rem <<= 1;
        }
        return roundPack(f, negative, ea - uExp, q | (rem != 0 ? 1 : 0), rm);
    }

    /**
     * The square root; of a negative non-zero operand, the canonical NaN with NV. Computed with the host's
     * correctly rounded {@link Math#sqrt} and the exact residual of its result, which tells on which side of it the
     * exact root lies (a square root is never halfway between two values, so no tie can occur).
     */
    public long sqrt(FpFormat f, long a, int rm) {
        a = f.clean(a);
        if (f.isNaN(a)) {
            return nan(f, a, a);
        }
        if (f.isZero(a)) {
            return a;
        }
        if (f.negative(a)) {
            return invalid(f);
        }
        if (f.isInfinite(a)) {
            return a;
        }
        if (f == FpFormat.F32) {
            double x = Float.intBitsToFloat((int) a);
            float r = (float) Math.sqrt(x); // correctly rounded: double rounding is innocuous for square roots
            double rr = r;
            double residual = x - rr * rr; // exact: both sides fit in 53 bits
            int adjust = adjustment(residual, rm);
            float root = adjust < 0 ? Math.nextDown(r) : adjust > 0 ? Math.nextUp(r) : r;
            return Float.floatToRawIntBits(root) & 0xffffffffL;
        }
        double x = Double.longBitsToDouble(a);
        int scale = 0;
        if (x < 0x1p-900) { // keep the residual clear of underflow
            x = Math.scalb(x, 600);
            scale = -300;
        }
        double r = Math.sqrt(x);
        double residual = Math.fma(-r, r, x); // exact for a correctly rounded root without underflow
        int adjust = adjustment(residual, rm);
        double adjusted = adjust < 0 ? Math.nextDown(r) : adjust > 0 ? Math.nextUp(r) : r;
        return Double.doubleToRawLongBits(scale == 0 ? adjusted : Math.scalb(adjusted, scale)); // exact: normal
    }

    /**
     * Which way the nearest-rounded root moves for mode {@code rm}, given the sign of its exact residual: -1 down,
     * +1 up, 0 not at all (roots are positive here). Raises NX when the root is inexact.
     */
    private int adjustment(double residual, int rm) {
        if (residual == 0) {
            return 0;
        }
        flags |= FpFlags.NX;
        if (residual < 0 && (rm == RTZ || rm == RDN)) {
            return -1;
        }
        return residual > 0 && rm == RUP ? 1 : 0;
    }

    /**
     * {@code a * b + c} with one rounding. The product of infinity and zero raises NV even when {@code c} is a
     * quiet NaN (as the specification requires).
     */
    public long fma(FpFormat f, long a, long b, long c, int rm) {
        a = f.clean(a);
        b = f.clean(b);
        c = f.clean(c);
        boolean infTimesZero = (f.isInfinite(a) && f.isZero(b)) || (f.isZero(a) && f.isInfinite(b));
        if (f.isNaN(a) || f.isNaN(b) || f.isNaN(c)) {
            if (infTimesZero || f.isSignalingNaN(c)) {
                flags |= FpFlags.NV;
            }
            return nan(f, a, b);
        }
        if (infTimesZero) {
            return invalid(f);
        }
        boolean productNegative = f.negative(a) ^ f.negative(b);
        boolean nc = f.negative(c);
        if (f.isInfinite(a) || f.isInfinite(b)) {
            return f.isInfinite(c) && nc != productNegative ? invalid(f) : f.infinity(productNegative);
        }
        if (f.isInfinite(c)) {
            return c;
        }
        if (f.isZero(a) || f.isZero(b)) {
            if (f.isZero(c)) {
                return productNegative == nc ? c : f.zero(rm == RDN);
            }
            return c;
        }
        if (f.isZero(c)) {
            return mul(f, a, b, rm);
        }
        unpack(f, a);
        long sa = uSig;
        int ea = uExp;
        unpack(f, b);
        long sb = uSig;
        int eb = uExp;
        unpack(f, c);
        // The product: 126 bits, value P * 2^pe; the addend as sc * 2^63: value C * 2^ce.
        long ph = Math.multiplyHigh(sa, sb);
        long pl = sa * sb;
        int pe = ea + eb - 124;
        long ch = uSig >>> 1;
        long cl = uSig << 63;
        int ce = uExp - 125;
        int e;
        if (pe >= ce) {
            shiftRightJam128(ch, cl, pe - ce);
            ch = hi;
            cl = lo;
            e = pe;
        } else {
            shiftRightJam128(ph, pl, ce - pe);
            ph = hi;
            pl = lo;
            e = ce;
        }
        boolean negative;
        if (productNegative == nc) {
            lo = pl + cl;
            hi = ph + ch + (Long.compareUnsigned(lo, pl) < 0 ? 1 : 0);
            negative = nc;
        } else {
            int order = ph != ch ? Long.compareUnsigned(ph, ch) : Long.compareUnsigned(pl, cl);
            if (order == 0) {
                return f.zero(rm == RDN); // exact cancellation
            }
            if (order > 0) {
                lo = pl - cl;
                hi = ph - ch - (Long.compareUnsigned(pl, cl) < 0 ? 1 : 0);
                negative = productNegative;
            } else {
                lo = cl - pl;
                hi = ch - ph - (Long.compareUnsigned(cl, pl) < 0 ? 1 : 0);
                negative = nc;
            }
        }
        int lead = hi != 0 ? 127 - Long.numberOfLeadingZeros(hi) : 63 - Long.numberOfLeadingZeros(lo);
        long sig;
        if (lead > 62) {
            shiftRightJam128(hi, lo, lead - 62);
            sig = lo;
        } else {
            sig = lo << (62 - lead);
        }
        return roundPack(f, negative, lead + e, sig, rm);
    }

    /** {@code (h:l) >>> n} with the bits shifted out ORed into bit 0, into {@link #hi}:{@link #lo}. */
    private void shiftRightJam128(long h, long l, int n) {
        if (n <= 0) {
            hi = h;
            lo = l;
        } else if (n >= 128) {
            hi = 0;
            lo = (h | l) != 0 ? 1 : 0;
        } else if (n >= 64) {
            int k = n - 64;
            boolean sticky = l != 0 || (k > 0 && (h & ((1L << k) - 1)) != 0);
            hi = 0;
            lo = (k == 0 ? h : h >>> k) | (sticky ? 1 : 0);
        } else {
            boolean sticky = (l & ((1L << n) - 1)) != 0;
            lo = (l >>> n) | (h << (64 - n)) | (sticky ? 1 : 0);
            hi = h >>> n;
        }
    }
}
