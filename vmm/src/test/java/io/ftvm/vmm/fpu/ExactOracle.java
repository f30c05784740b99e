package io.ftvm.vmm.fpu;

import java.math.BigInteger;

/**
 * A second, independent implementation of IEEE 754 rounding for the tests: exact values as rationals
 * {@code p / q * 2^k} (BigInteger), rounded to a format by the definitions of the standard (a quantum, a remainder, the
 * mode; tininess after rounding as rounding with an unbounded exponent range). Slow and allocating: only for
 * checking {@link SoftFloat} and {@link Fpu}.
 */
final class ExactOracle {
    /** A result and the flags it raises. */
    record Result(long bits, int flags) {
    }

    /** An exact non-zero value {@code (negative ? -1 : 1) * p / q * 2^k}, p and q positive. */
    record Exact(boolean negative, BigInteger p, BigInteger q, int k) {
    }

    private ExactOracle() {
    }

    /** The exact value of finite non-zero {@code bits}. */
    static Exact value(FpFormat f, long bits) {
        int e = f.exponent(bits);
        long fraction = bits & f.fracMask;
        long m = e == 0 ? fraction : fraction | (1L << f.fracBits);
        int k = (e == 0 ? 1 : e) - f.bias - f.fracBits;
        return new Exact(f.negative(bits), BigInteger.valueOf(m), BigInteger.ONE, k);
    }

    static Exact multiply(Exact a, Exact b) {
        return new Exact(a.negative ^ b.negative, a.p.multiply(b.p), a.q.multiply(b.q), a.k + b.k);
    }

    static Exact divide(Exact a, Exact b) {
        return new Exact(a.negative ^ b.negative, a.p.multiply(b.q), a.q.multiply(b.p), a.k - b.k);
    }

    /** {@code a + b}, or null when the sum is exactly zero. Both must have q == 1 (dyadic). */
    static Exact add(Exact a, Exact b) {
        int k = Math.min(a.k, b.k);
        BigInteger x = a.p.shiftLeft(a.k - k);
        BigInteger y = b.p.shiftLeft(b.k - k);
        BigInteger sum = (a.negative ? x.negate() : x).add(b.negative ? y.negate() : y);
        if (sum.signum() == 0) {
            return null;
        }
        return new Exact(sum.signum() < 0, sum.abs(), BigInteger.ONE, k);
    }

    /**
     * The square root of a positive dyadic value, as a rational that rounds like it: exact when it is a square,
     * else a value strictly between two consecutive multiples of 2^-200 relative to it (no square root of a
     * representable value lies on a rounding boundary that fine).
     */
    static Exact sqrt(Exact a) {
        BigInteger p = a.p;
        int k = a.k;
        if ((k & 1) != 0) {
            p = p.shiftLeft(1);
            k--;
        }
        BigInteger scaled = p.shiftLeft(400);
        BigInteger s = scaled.sqrt();
        boolean exact = s.multiply(s).equals(scaled);
        if (exact) {
            return new Exact(false, s, BigInteger.ONE, k / 2 - 200);
        }
        return new Exact(false, s.shiftLeft(1).add(BigInteger.ONE), BigInteger.ONE, k / 2 - 201);
    }

    /** {@code v} rounded to {@code f} in mode {@code rm}, with NX, UF (tiny after rounding) and OF. */
    static Result round(FpFormat f, Exact v, int rm) {
        int precision = f.precision;
        int emin = 1 - f.bias;
        int emax = f.bias;
        // 2^e <= p/q * 2^k < 2^(e+1)
        int e0 = v.p.bitLength() - v.q.bitLength();
        if (compareScaled(v.p, v.q, e0) < 0) {
            e0--;
        }
        int e = e0 + v.k;
        int quantum = Math.max(e, emin) - (precision - 1);
        BigInteger[] mr = divide(v, quantum);
        BigInteger m = roundInteger(mr[0], mr[1], mr[2], v.negative, rm);
        boolean inexact = mr[1].signum() != 0;
        int flags = inexact ? FpFlags.NX : 0;
        if (m.bitLength() > precision) { // carried into the next binade
            m = m.shiftRight(1);
            quantum++;
        }
        if (m.signum() != 0 && quantum + m.bitLength() - 1 > emax) {
            flags |= FpFlags.OF | FpFlags.NX;
            boolean toInfinity = rm == RoundingMode.RNE || rm == RoundingMode.RMM
                    || (rm == RoundingMode.RDN && v.negative) || (rm == RoundingMode.RUP && !v.negative);
            long magnitude = toInfinity ? f.infinity : f.maxFinite;
            return new Result(v.negative ? magnitude | f.signBit : magnitude, flags);
        }
        if (e < emin && inexact) {
            // tiny after rounding: rounded with an unbounded exponent range, still below 2^emin?
            BigInteger[] ur = divide(v, e - (precision - 1));
            BigInteger mu = roundInteger(ur[0], ur[1], ur[2], v.negative, rm);
            int eu = e;
            if (mu.bitLength() > precision) {
                eu++;
            }
            if (eu < emin) {
                flags |= FpFlags.UF;
            }
        }
        long bits;
        if (m.bitLength() == precision) { // normal
            long biased = quantum + (precision - 1) + f.bias;
            bits = (biased << f.fracBits) | (m.longValue() & f.fracMask);
        } else { // subnormal or zero
            bits = m.longValue();
        }
        return new Result(v.negative ? bits | f.signBit : bits, flags);
    }

    /** Compares p/q with 2^e. */
    private static int compareScaled(BigInteger p, BigInteger q, int e) {
        return e >= 0 ? p.compareTo(q.shiftLeft(e)) : p.shiftLeft(-e).compareTo(q);
    }

    /** {floor(v / 2^quantum), remainder numerator, denominator} of |v|. */
    private static BigInteger[] divide(Exact v, int quantum) {
        int shift = v.k - quantum;
        BigInteger num = shift >= 0 ? v.p.shiftLeft(shift) : v.p;
        BigInteger den = shift >= 0 ? v.q : v.q.shiftLeft(-shift);
        BigInteger[] qr = num.divideAndRemainder(den);
        return new BigInteger[] {qr[0], qr[1], den};
    }

    private static BigInteger roundInteger(BigInteger m, BigInteger rem, BigInteger den, boolean negative, int rm) {
        if (rem.signum() == 0) {
            return m;
        }
        int half = rem.shiftLeft(1).compareTo(den);
        boolean up = switch (rm) {
            case RoundingMode.RNE -> half > 0 || (half == 0 && m.testBit(0));
            case RoundingMode.RMM -> half >= 0;
            case RoundingMode.RDN -> negative;
            case RoundingMode.RUP -> !negative;
            default -> false;
        };
        return up ? m.add(BigInteger.ONE) : m;
    }
}
