package io.ftvm.vmm.fpu;

import static io.ftvm.vmm.fpu.FpFormat.F32;
import static io.ftvm.vmm.fpu.FpFormat.F64;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.fpu.FpConvert.IntKind;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The conversions on random operands in every rounding mode against the definitions: float to integer (rounded
 * exactly, then the range of the kind; saturated results and NV outside it, NX only inside), integer to float and
 * between the formats (through {@link ExactOracle}).
 */
class FpConvertOracleTest {
    private static final int CASES = 20_000;

    @Test
    void floatToIntegerRoundsAndSaturatesAsSpecified() {
        SplittableRandom r = new SplittableRandom(7);
        for (FpFormat f : new FpFormat[] {F32, F64}) {
            for (int i = 0; i < CASES; i++) {
                long a = integerLike(f, r);
                IntKind kind = IntKind.values()[r.nextInt(4)];
                int rm = r.nextInt(5);
                SoftFloat soft = new SoftFloat();
                long got = new FpConvert(soft).toInt(f, a, kind, rm);
                long[] want = expectedInt(f, a, kind, rm);
                String what = String.format("%s fcvt.%s(%x) rm=%d", f, kind, a, rm);
                assertThat(Long.toHexString(got)).as(what).isEqualTo(Long.toHexString(want[0]));
                assertThat(soft.flags()).as(what + " flags").isEqualTo((int) want[1]);
            }
        }
    }

    /** Values around the integers and the kinds' limits, and anything else. */
    private static long integerLike(FpFormat f, SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            return FpuOracleTest.operand(f, r);
        }
        int exp = r.nextInt(70) - 3; // 2^-3 .. 2^66
        long fraction = r.nextLong() & f.fracMask;
        if (r.nextBoolean()) {
            fraction &= ~((1L << r.nextInt(f.fracBits)) - 1);
        }
        long bits = ((long) (exp + f.bias) << f.fracBits) | fraction;
        return r.nextBoolean() ? bits | f.signBit : bits;
    }

    private static long[] expectedInt(FpFormat f, long a, IntKind kind, int rm) {
        BigInteger min = switch (kind) {
            case W -> BigInteger.valueOf(Integer.MIN_VALUE);
            case L -> BigInteger.valueOf(Long.MIN_VALUE);
            default -> BigInteger.ZERO;
        };
        BigInteger max = switch (kind) {
            case W -> BigInteger.valueOf(Integer.MAX_VALUE);
            case WU -> BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
            case L -> BigInteger.valueOf(Long.MAX_VALUE);
            case LU -> BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        };
        ExactOracle.Exact v = ExactOracle.value(f, a);
        BigInteger num = v.k() >= 0 ? v.p().shiftLeft(v.k()) : v.p();
        BigInteger den = v.k() >= 0 ? BigInteger.ONE : BigInteger.ONE.shiftLeft(-v.k());
        BigInteger[] qr = num.divideAndRemainder(den);
        BigInteger m = qr[0];
        int half = qr[1].shiftLeft(1).compareTo(den);
        boolean inexact = qr[1].signum() != 0;
        boolean up = inexact && switch (rm) {
            case RoundingMode.RNE -> half > 0 || (half == 0 && m.testBit(0));
            case RoundingMode.RMM -> half >= 0;
            case RoundingMode.RDN -> v.negative();
            case RoundingMode.RUP -> !v.negative();
            default -> false;
        };
        BigInteger result = up ? m.add(BigInteger.ONE) : m;
        if (v.negative()) {
            result = result.negate();
        }
        if (result.compareTo(min) < 0 || result.compareTo(max) > 0) {
            return new long[] {v.negative() ? kind.min() : kind.max(), FpFlags.NV};
        }
        long value = kind.bits == 32 ? (long) result.intValue() : result.longValue();
        return new long[] {value, inexact ? FpFlags.NX : 0};
    }

    @Test
    void integerToFloatRoundsAsSpecified() {
        SplittableRandom r = new SplittableRandom(11);
        for (FpFormat f : new FpFormat[] {F32, F64}) {
            for (int i = 0; i < CASES; i++) {
                long x = r.nextLong() >> r.nextInt(64);
                if (r.nextInt(8) == 0) {
                    x = r.nextBoolean() ? Long.MIN_VALUE : -1L;
                }
                IntKind kind = IntKind.values()[r.nextInt(4)];
                int rm = r.nextInt(5);
                BigInteger value = switch (kind) {
                    case W -> BigInteger.valueOf((int) x);
                    case WU -> BigInteger.valueOf(x & 0xffff_ffffL);
                    case L -> BigInteger.valueOf(x);
                    case LU -> new BigInteger(Long.toUnsignedString(x));
                };
                SoftFloat soft = new SoftFloat();
                long got = new FpConvert(soft).fromInt(f, x, kind, rm);
                String what = String.format("%s fcvt.from.%s(%x) rm=%d", f, kind, x, rm);
                if (value.signum() == 0) {
                    assertThat(got).as(what).isZero();
                    continue;
                }
                ExactOracle.Result want = ExactOracle.round(f, new ExactOracle.Exact(value.signum() < 0,
                        value.abs(), BigInteger.ONE, 0), rm);
                assertThat(Long.toHexString(got)).as(what).isEqualTo(Long.toHexString(want.bits()));
                assertThat(soft.flags()).as(what + " flags").isEqualTo(want.flags());
            }
        }
    }

    @Test
    void binary64ToBinary32AndBackRoundAsSpecified() {
        SplittableRandom r = new SplittableRandom(13);
        for (int i = 0; i < CASES; i++) {
            int rm = r.nextInt(5);
            long d = r.nextBoolean() ? FpuOracleTest.operand(F64, r)
                    : Double.doubleToRawLongBits(Float.intBitsToFloat((int) FpuOracleTest.operand(F32, r))
                            * (1 + r.nextInt(8) * 0x1p-30));
            SoftFloat soft = new SoftFloat();
            long got = new FpConvert(soft).convert(F64, F32, d, rm);
            ExactOracle.Result want = ExactOracle.round(F32, ExactOracle.value(F64, d), rm);
            String what = String.format("fcvt.s.d(%x) rm=%d", d, rm);
            assertThat(Long.toHexString(got)).as(what).isEqualTo(Long.toHexString(want.bits()));
            assertThat(soft.flags()).as(what + " flags").isEqualTo(want.flags());

            long s = FpuOracleTest.operand(F32, r);
            SoftFloat widen = new SoftFloat();
            long wide = new FpConvert(widen).convert(F32, F64, s, rm);
            assertThat(Double.longBitsToDouble(wide)).as("fcvt.d.s(%x)", s)
                    .isEqualTo((double) Float.intBitsToFloat((int) s));
            assertThat(widen.flags()).as("fcvt.d.s is exact").isZero();
        }
    }
}
