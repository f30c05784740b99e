package io.ftvm.vmm.fpu;

/**
 * An IEEE 754 binary interchange format as the F and D extensions use it: binary32 ({@link #F32}) or binary64
 * ({@link #F64}). Values travel as their bit patterns in a {@code long} (binary32 in the low 32 bits).
 */
public final class FpFormat {
    public static final FpFormat F32 = new FpFormat(8, 23);
    public static final FpFormat F64 = new FpFormat(11, 52);

    /** Width of the exponent and fraction fields. */
    final int expBits;
    final int fracBits;
    /** Exponent bias, and the all-ones biased exponent (infinities and NaNs). */
    final int bias;
    final int expOnes;
    /** Significand bits including the hidden one. */
    final int precision;
    /**
     * With the leading one of a significand at bit 62 of a {@code long} (how the arithmetic keeps them), the bits
     * below the ones the format keeps.
     */
    final int roundShift;
    final long signBit;
    final long fracMask;
    final long quietBit;
    /** The canonical NaN (positive, quiet, only the quiet bit set), +infinity, the largest finite value. */
    public final long canonicalNaN;
    final long infinity;
    final long maxFinite;

    private FpFormat(int expBits, int fracBits) {
        this.expBits = expBits;
        this.fracBits = fracBits;
        this.bias = (1 << (expBits - 1)) - 1;
        this.expOnes = (1 << expBits) - 1;
        this.precision = fracBits + 1;
        this.roundShift = 63 - precision;
        this.signBit = 1L << (expBits + fracBits);
        this.fracMask = (1L << fracBits) - 1;
        this.quietBit = 1L << (fracBits - 1);
        this.infinity = (long) expOnes << fracBits;
        this.canonicalNaN = infinity | quietBit;
        this.maxFinite = infinity - 1;
    }

    /** The biased exponent field of {@code bits}. */
    int exponent(long bits) {
        return (int) (bits >>> fracBits) & expOnes;
    }

    boolean negative(long bits) {
        return (bits & signBit) != 0;
    }

    boolean isNaN(long bits) {
        return exponent(bits) == expOnes && (bits & fracMask) != 0;
    }

    boolean isSignalingNaN(long bits) {
        return isNaN(bits) && (bits & quietBit) == 0;
    }

    boolean isInfinite(long bits) {
        return exponent(bits) == expOnes && (bits & fracMask) == 0;
    }

    /** ±0. */
    boolean isZero(long bits) {
        return (bits & (signBit - 1)) == 0;
    }

    /**
     * The significand of finite non-zero {@code bits} with its leading one at bit 62 (subnormals normalized); with
     * {@link #unbiasedExponent} its value is {@code sig * 2^(exp - 62)}.
     */
    long significand(long bits) {
        long fraction = bits & fracMask;
        return exponent(bits) == 0 ? fraction << (Long.numberOfLeadingZeros(fraction) - 1)
                : (fraction | (1L << fracBits)) << (62 - fracBits);
    }

    /** The exponent that goes with {@link #significand}. */
    int unbiasedExponent(long bits) {
        int e = exponent(bits);
        if (e != 0) {
            return e - bias;
        }
        int lz = Long.numberOfLeadingZeros(bits & fracMask) - 1;
        return 1 - bias - (lz - (62 - fracBits));
    }

    /** {@code bits} with only the format's bits kept (a binary32 value in the low 32 bits). */
    long clean(long bits) {
        return bits & ((signBit << 1) - 1);
    }

    /** A signed zero. */
    long zero(boolean negative) {
        return negative ? signBit : 0;
    }

    /** A signed infinity. */
    long infinity(boolean negative) {
        return negative ? infinity | signBit : infinity;
    }

    @Override
    public String toString() {
        return this == F32 ? "binary32" : "binary64";
    }
}
