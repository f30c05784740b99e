package io.ftvm.vmm.fpu;

/**
 * Comparisons, minimum/maximum, classification and sign injection of the F and D extensions: {@code feq} is quiet
 * (NV only for a signaling NaN), {@code flt}/{@code fle} signal on any NaN; {@code fmin}/{@code fmax} are IEEE
 * 754-2019 minimumNumber/maximumNumber (a NaN operand yields the other operand, two NaNs the canonical NaN; -0 is
 * below +0). Flags go to the hart's {@link SoftFloat}.
 */
public final class FpCompare {
    private final SoftFloat soft;

    public FpCompare(SoftFloat soft) {
        this.soft = soft;
    }

    /** A key that orders non-NaN values as numbers (both zeros equal). */
    private static long key(FpFormat f, long bits) {
        long magnitude = bits & (f.signBit - 1);
        return f.negative(bits) ? -magnitude : magnitude;
    }

    /** {@code feq}: 1 when equal, 0 otherwise (and for NaNs). */
    public long eq(FpFormat f, long a, long b) {
        a = f.clean(a);
        b = f.clean(b);
        if (f.isNaN(a) || f.isNaN(b)) {
            if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
                soft.raise(FpFlags.NV);
            }
            return 0;
        }
        return key(f, a) == key(f, b) ? 1 : 0;
    }

    /** {@code flt}. */
    public long lt(FpFormat f, long a, long b) {
        return ordered(f, a, b, false);
    }

    /** {@code fle}. */
    public long le(FpFormat f, long a, long b) {
        return ordered(f, a, b, true);
    }

    /** The signaling comparisons: NV for any NaN operand (and 0). */
    private long ordered(FpFormat f, long a, long b, boolean orEqual) {
        a = f.clean(a);
        b = f.clean(b);
        if (f.isNaN(a) || f.isNaN(b)) {
            soft.raise(FpFlags.NV);
            return 0;
        }
        long ka = key(f, a);
        long kb = key(f, b);
        return ka < kb || (orEqual && ka == kb) ? 1 : 0;
    }

    /** {@code fmin} ({@code max == false}) or {@code fmax}. */
    public long minMax(FpFormat f, long a, long b, boolean max) {
        a = f.clean(a);
        b = f.clean(b);
        if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
            soft.raise(FpFlags.NV);
        }
        boolean aNaN = f.isNaN(a);
        boolean bNaN = f.isNaN(b);
        if (aNaN && bNaN) {
            return f.canonicalNaN;
        }
        if (aNaN) {
            return b;
        }
        if (bNaN) {
            return a;
        }
        long ka = key(f, a);
        long kb = key(f, b);
        if (ka != kb) {
            return (ka < kb) != max ? a : b;
        }
        // equal: only the zeros differ, -0 < +0
        return f.negative(a) != max ? a : b;
    }

    /** {@code fclass}: one bit of ten (-inf, -normal, -subnormal, -0, +0, +subnormal, +normal, +inf, sNaN, qNaN). */
    public static long classify(FpFormat f, long a) {
        a = f.clean(a);
        boolean negative = f.negative(a);
        int bit;
        if (f.isNaN(a)) {
            bit = f.isSignalingNaN(a) ? 8 : 9;
        } else if (f.isInfinite(a)) {
            bit = negative ? 0 : 7;
        } else if (f.isZero(a)) {
            bit = negative ? 3 : 4;
        } else if (f.exponent(a) == 0) {
            bit = negative ? 2 : 5;
        } else {
            bit = negative ? 1 : 6;
        }
        return 1L << bit;
    }

    /** {@code fsgnj} (kind 0), {@code fsgnjn} (1), {@code fsgnjx} (2): {@code a}'s magnitude, a sign from {@code b}. */
    public static long injectSign(FpFormat f, long a, long b, int kind) {
        a = f.clean(a);
        long sb = f.clean(b) & f.signBit;
        long sign = switch (kind) {
            case 0 -> sb;
            case 1 -> sb ^ f.signBit;
            default -> (a & f.signBit) ^ sb;
        };
        return (a & ~f.signBit) | sign;
    }
}
