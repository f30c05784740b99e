package io.ftvm.vmm.fpu;

import static io.ftvm.vmm.fpu.RoundingMode.RDN;
import static io.ftvm.vmm.fpu.RoundingMode.RMM;
import static io.ftvm.vmm.fpu.RoundingMode.RNE;
import static io.ftvm.vmm.fpu.RoundingMode.RUP;

/**
 * The conversions of the F and D extensions, exact in every rounding mode: floating point to 32- and 64-bit signed
 * and unsigned integers (out-of-range values and NaNs give the specification's saturated results and NV, never NX),
 * integers to floating point, and between binary32 and binary64. Flags go to the hart's {@link SoftFloat}.
 */
public final class FpConvert {
    /** The integer an {@code fcvt} produces or reads. */
    public enum IntKind {
        /** {@code .w}: signed 32-bit (results sign-extended to 64 bits). */
        W(true, 32),
        /** {@code .wu}: unsigned 32-bit (results sign-extended to 64 bits, as every 32-bit result). */
        WU(false, 32),
        /** {@code .l}: signed 64-bit. */
        L(true, 64),
        /** {@code .lu}: unsigned 64-bit. */
        LU(false, 64);

        final boolean signed;
        final int bits;

        IntKind(boolean signed, int bits) {
            this.signed = signed;
            this.bits = bits;
        }

        /** The largest value, as it lands in a 64-bit register. */
        long max() {
            return switch (this) {
                case W -> Integer.MAX_VALUE;
                case WU, LU -> -1L;
                case L -> Long.MAX_VALUE;
            };
        }

        /** The smallest value, as it lands in a 64-bit register. */
        long min() {
            return switch (this) {
                case W -> Integer.MIN_VALUE;
                case WU, LU -> 0;
                case L -> Long.MIN_VALUE;
            };
        }
    }

    private final SoftFloat soft;

    public FpConvert(SoftFloat soft) {
        this.soft = soft;
    }

    /** {@code fcvt.{w,wu,l,lu}.{s,d}}: {@code a} rounded to an integer in mode {@code rm}. */
    public long toInt(FpFormat f, long a, IntKind kind, int rm) {
        a = f.clean(a);
        if (f.isNaN(a)) {
            soft.raise(FpFlags.NV);
            return kind.max();
        }
        boolean negative = f.negative(a);
        if (f.isInfinite(a)) {
            soft.raise(FpFlags.NV);
            return negative ? kind.min() : kind.max();
        }
        if (f.isZero(a)) {
            return 0;
        }
        long sig = f.significand(a);
        int exp = f.unbiasedExponent(a);
        // value = sig * 2^(exp - 62); |value| >= 2^64 fits no integer kind
        long magnitude;
        boolean inexact;
        if (exp >= 64) {
            soft.raise(FpFlags.NV);
            return negative ? kind.min() : kind.max();
        } else if (exp >= 62) {
            magnitude = sig << (exp - 62);
            inexact = false;
        } else {
            // Two bits below the integer: the round bit and a sticky bit.
            long t = exp == 61 ? sig << 1 : SoftFloat.shiftRightJam(sig, 60 - exp);
            long integer = t >>> 2;
            long roundBits = t & 3;
            boolean up = switch (rm) {
                case RNE -> roundBits > 2 || (roundBits == 2 && (integer & 1) != 0);
                case RMM -> roundBits >= 2;
                case RDN -> negative && roundBits != 0;
                case RUP -> !negative && roundBits != 0;
                default -> false; // RTZ
            };
            magnitude = integer + (up ? 1 : 0);
            inexact = roundBits != 0;
        }
        if (!fits(kind, negative, magnitude)) {
            soft.raise(FpFlags.NV);
            return negative ? kind.min() : kind.max();
        }
        if (inexact) {
            soft.raise(FpFlags.NX);
        }
        long value = negative ? -magnitude : magnitude;
        return kind.bits == 32 ? (long) (int) value : value;
    }

    private static boolean fits(IntKind kind, boolean negative, long magnitude) {
        return switch (kind) {
            case W -> Long.compareUnsigned(magnitude, negative ? 1L << 31 : Integer.MAX_VALUE) <= 0;
            case WU -> negative ? magnitude == 0 : Long.compareUnsigned(magnitude, 0xffff_ffffL) <= 0;
            case L -> negative ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) <= 0 : magnitude >= 0;
            case LU -> !negative || magnitude == 0;
        };
    }

    /** {@code fcvt.{s,d}.{w,wu,l,lu}}: the integer in {@code x} (its low 32 bits for W and WU) rounded to {@code f}. */
    public long fromInt(FpFormat f, long x, IntKind kind, int rm) {
        long v = switch (kind) {
            case W -> (int) x;
            case WU -> x & 0xffff_ffffL;
            default -> x;
        };
        if (v == 0) {
            return 0;
        }
        boolean negative = kind.signed && v < 0;
        long magnitude = negative ? -v : v; // Long.MIN_VALUE stays 2^63 as an unsigned magnitude
        if (magnitude < 0) { // 2^63 or more
            return soft.roundPack(f, negative, 63, (magnitude >>> 1) | (magnitude & 1), rm);
        }
        return soft.roundPack(f, negative, 62, magnitude, rm);
    }

    /** {@code fcvt.s.d} and {@code fcvt.d.s}: {@code a} of format {@code from} rounded to {@code to}. */
    public long convert(FpFormat from, FpFormat to, long a, int rm) {
        a = from.clean(a);
        if (from.isNaN(a)) {
            if (from.isSignalingNaN(a)) {
                soft.raise(FpFlags.NV);
            }
            return to.canonicalNaN;
        }
        boolean negative = from.negative(a);
        if (from.isInfinite(a)) {
            return to.infinity(negative);
        }
        if (from.isZero(a)) {
            return to.zero(negative);
        }
        return soft.roundPack(to, negative, from.unbiasedExponent(a), from.significand(a), rm);
    }
}
