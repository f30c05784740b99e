package io.ftvm.vmm.fpu;

import static io.ftvm.vmm.fpu.FpFlags.DZ;
import static io.ftvm.vmm.fpu.FpFlags.NV;
import static io.ftvm.vmm.fpu.FpFlags.NX;
import static io.ftvm.vmm.fpu.FpFlags.OF;
import static io.ftvm.vmm.fpu.FpFormat.F32;
import static io.ftvm.vmm.fpu.FpFormat.F64;
import static io.ftvm.vmm.fpu.RoundingMode.RDN;
import static io.ftvm.vmm.fpu.RoundingMode.RMM;
import static io.ftvm.vmm.fpu.RoundingMode.RNE;
import static io.ftvm.vmm.fpu.RoundingMode.RTZ;
import static io.ftvm.vmm.fpu.RoundingMode.RUP;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.fpu.FpConvert.IntKind;
import org.junit.jupiter.api.Test;

/**
 * The specification's special operands and results, case by case: NaNs (canonical results, NV for signaling NaNs
 * and invalid operations, the fused multiply-add's infinity times zero even with a quiet NaN addend), infinities,
 * signed zeros in every mode, division by zero, overflow in every mode, min/max of zeros and NaNs, quiet and
 * signaling comparisons, fclass, sign injection, NaN-boxing, and the saturated conversions.
 */
class FpSpecialCasesTest {
    private static final long ONE = Double.doubleToRawLongBits(1.0);
    private static final long TWO = Double.doubleToRawLongBits(2.0);
    private static final long MINUS_ONE = Double.doubleToRawLongBits(-1.0);
    private static final long PZERO = 0;
    private static final long NZERO = Long.MIN_VALUE;
    private static final long PINF = F64.infinity;
    private static final long NINF = F64.infinity | F64.signBit;
    private static final long QNAN = F64.canonicalNaN | 0x1234;
    private static final long SNAN = F64.infinity | 1;
    private static final long CNAN = F64.canonicalNaN;

    private final SoftFloat soft = new SoftFloat();
    private final FpConvert convert = new FpConvert(soft);
    private final FpCompare compare = new FpCompare(soft);

    private void expect(long got, long want, int flags) {
        assertThat(Long.toHexString(got)).isEqualTo(Long.toHexString(want));
        assertThat(soft.flags()).as("flags").isEqualTo(flags);
        soft.clearFlags();
    }

    @Test
    void nansAreCanonicalAndSignalingOnesRaiseInvalid() {
        expect(soft.add(F64, QNAN, ONE, RNE), CNAN, 0);
        expect(soft.add(F64, SNAN, ONE, RNE), CNAN, NV);
        expect(soft.mul(F64, ONE, SNAN, RNE), CNAN, NV);
        expect(soft.div(F64, QNAN, QNAN, RNE), CNAN, 0);
        expect(soft.sqrt(F64, SNAN, RNE), CNAN, NV);
        expect(soft.fma(F64, PINF, PZERO, QNAN, RNE), CNAN, NV); // infinity times zero, even with a quiet addend
        expect(soft.fma(F64, ONE, ONE, SNAN, RNE), CNAN, NV);
        expect(soft.fma(F64, ONE, ONE, QNAN, RNE), CNAN, 0);
        expect(convert.convert(F64, F32, SNAN, RNE), F32.canonicalNaN, NV);
        expect(convert.convert(F32, F64, F32.canonicalNaN | 5, RNE), CNAN, 0);
    }

    @Test
    void invalidOperationsAndDivisionByZero() {
        expect(soft.add(F64, PINF, NINF, RNE), CNAN, NV);
        expect(soft.sub(F64, PINF, PINF, RNE), CNAN, NV);
        expect(soft.mul(F64, NZERO, PINF, RNE), CNAN, NV);
        expect(soft.div(F64, PZERO, NZERO, RNE), CNAN, NV);
        expect(soft.div(F64, NINF, PINF, RNE), CNAN, NV);
        expect(soft.div(F64, MINUS_ONE, PZERO, RNE), NINF, DZ);
        expect(soft.div(F64, ONE, NZERO, RNE), NINF, DZ);
        expect(soft.div(F64, PINF, PZERO, RNE), PINF, 0); // not DZ: the dividend is infinite
        expect(soft.sqrt(F64, MINUS_ONE, RNE), CNAN, NV);
        expect(soft.sqrt(F64, NINF, RNE), CNAN, NV);
        expect(soft.sqrt(F64, NZERO, RNE), NZERO, 0);
        expect(soft.fma(F64, PINF, ONE, NINF, RNE), CNAN, NV);
    }

    @Test
    void zerosTakeTheirSignFromTheMode() {
        for (int rm : new int[] {RNE, RTZ, RUP, RMM}) {
            expect(soft.add(F64, ONE, MINUS_ONE, rm), PZERO, 0);
            expect(soft.add(F64, PZERO, NZERO, rm), PZERO, 0);
            expect(soft.fma(F64, ONE, MINUS_ONE, ONE, rm), PZERO, 0);
        }
        expect(soft.add(F64, ONE, MINUS_ONE, RDN), NZERO, 0);
        expect(soft.add(F64, PZERO, NZERO, RDN), NZERO, 0);
        expect(soft.fma(F64, ONE, MINUS_ONE, ONE, RDN), NZERO, 0);
        expect(soft.add(F64, NZERO, NZERO, RNE), NZERO, 0);
        expect(soft.sub(F64, NZERO, PZERO, RNE), NZERO, 0);
        expect(soft.mul(F64, NZERO, ONE, RNE), NZERO, 0);
        expect(soft.fma(F64, NZERO, ONE, NZERO, RNE), NZERO, 0);
        expect(soft.fma(F64, NZERO, ONE, PZERO, RNE), PZERO, 0);
    }

    @Test
    void overflowInEveryMode() {
        long max = F64.maxFinite;
        expect(soft.mul(F64, max, TWO, RNE), PINF, OF | NX);
        expect(soft.mul(F64, max, TWO, RMM), PINF, OF | NX);
        expect(soft.mul(F64, max, TWO, RTZ), max, OF | NX);
        expect(soft.mul(F64, max, TWO, RDN), max, OF | NX);
        expect(soft.mul(F64, max, TWO, RUP), PINF, OF | NX);
        expect(soft.mul(F64, max | F64.signBit, TWO, RDN), NINF, OF | NX);
        expect(soft.mul(F64, max | F64.signBit, TWO, RUP), max | F64.signBit, OF | NX);
        expect(convert.convert(F64, F32, Double.doubleToRawLongBits(1e300), RTZ), F32.maxFinite, OF | NX);
    }

    @Test
    void minMaxComparisonsAndClasses() {
        expect(compare.minMax(F64, PZERO, NZERO, false), NZERO, 0);
        expect(compare.minMax(F64, NZERO, PZERO, true), PZERO, 0);
        expect(compare.minMax(F64, QNAN, ONE, false), ONE, 0);
        expect(compare.minMax(F64, ONE, SNAN, true), ONE, NV);
        expect(compare.minMax(F64, QNAN, SNAN, true), CNAN, NV);
        expect(compare.eq(F64, QNAN, ONE), 0, 0);
        expect(compare.eq(F64, SNAN, ONE), 0, NV);
        expect(compare.eq(F64, PZERO, NZERO), 1, 0);
        expect(compare.lt(F64, QNAN, ONE), 0, NV);
        expect(compare.le(F64, NZERO, PZERO), 1, 0);
        expect(compare.lt(F64, NZERO, PZERO), 0, 0);
        expect(compare.lt(F64, NINF, MINUS_ONE), 1, 0);
        long[] values = {NINF, MINUS_ONE, Double.doubleToRawLongBits(-Double.MIN_VALUE), NZERO, PZERO, 1, ONE, PINF,
            SNAN, QNAN};
        for (int i = 0; i < values.length; i++) {
            assertThat(FpCompare.classify(F64, values[i])).as("fclass of %x", values[i]).isEqualTo(1L << i);
        }
        assertThat(FpCompare.injectSign(F64, ONE, MINUS_ONE, 0)).isEqualTo(MINUS_ONE);
        assertThat(FpCompare.injectSign(F64, MINUS_ONE, MINUS_ONE, 1)).isEqualTo(ONE);
        assertThat(FpCompare.injectSign(F64, MINUS_ONE, MINUS_ONE, 2)).isEqualTo(ONE);
    }

    @Test
    void binary32ValuesAreNaNBoxed() {
        long one = Float.floatToRawIntBits(1.0f);
        assertThat(Fpu.unbox(Fpu.box(one))).isEqualTo(one);
        assertThat(Fpu.unbox(one)).as("not boxed: the canonical NaN").isEqualTo(F32.canonicalNaN);
        assertThat(Fpu.unbox(0x7fff_ffff_3f80_0000L)).isEqualTo(F32.canonicalNaN);
        Fpu fpu = new Fpu();
        assertThat(Fpu.unbox(fpu.addS(one, Fpu.box(one), RNE))).isEqualTo(F32.canonicalNaN);
        assertThat(fpu.flags()).isZero(); // the canonical NaN is quiet
    }

    @Test
    void conversionsSaturateAndRaiseInvalidNotInexact() {
        expect(convert.toInt(F64, QNAN, IntKind.W, RNE), Integer.MAX_VALUE, NV);
        expect(convert.toInt(F64, QNAN, IntKind.WU, RNE), -1L, NV);
        expect(convert.toInt(F64, NINF, IntKind.L, RNE), Long.MIN_VALUE, NV);
        expect(convert.toInt(F64, PINF, IntKind.LU, RNE), -1L, NV);
        expect(convert.toInt(F64, MINUS_ONE, IntKind.WU, RNE), 0, NV);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(-0.3), IntKind.WU, RTZ), 0, NX);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(-0.6), IntKind.WU, RNE), 0, NV);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(0x1p63), IntKind.L, RNE), Long.MAX_VALUE, NV);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(-0x1p63), IntKind.L, RNE), Long.MIN_VALUE, 0);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(0x1p63), IntKind.LU, RNE), Long.MIN_VALUE, 0);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(4294967295.0), IntKind.WU, RNE), -1L, 0);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(2.5), IntKind.W, RNE), 2, NX);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(2.5), IntKind.W, RMM), 3, NX);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(-2.5), IntKind.W, RDN), -3, NX);
        expect(convert.toInt(F64, Double.doubleToRawLongBits(-2.5), IntKind.W, RUP), -2, NX);
        expect(convert.fromInt(F32, -1L, IntKind.WU, RNE), Float.floatToRawIntBits(4294967295f), NX);
        expect(convert.fromInt(F64, Long.MIN_VALUE, IntKind.L, RNE), Double.doubleToRawLongBits(-0x1p63), 0);
        expect(convert.fromInt(F64, -1L, IntKind.LU, RTZ), Double.doubleToRawLongBits(0x1.fffffffffffffp63), NX);
    }
}
