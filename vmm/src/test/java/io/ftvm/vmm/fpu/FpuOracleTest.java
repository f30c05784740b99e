package io.ftvm.vmm.fpu;

import static io.ftvm.vmm.fpu.FpFormat.F32;
import static io.ftvm.vmm.fpu.FpFormat.F64;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every arithmetic operation and conversion, on random finite operands chosen to hit the hard cases (subnormals,
 * the edges of the exponent range, few significant bits so that results are exact or exactly halfway, operands of
 * very different magnitude), in every rounding mode: the result bits and the flags of {@link SoftFloat}, and of
 * {@link Fpu} with and without NX already accrued (its fast paths), must equal those of the independent
 * {@link ExactOracle}.
 */
class FpuOracleTest {
    private static final int CASES = 20_000;

    /** A random finite non-zero value of {@code f}, biased towards the hard cases. */
    static long operand(FpFormat f, SplittableRandom r) {
        while (true) {
            long fraction = switch (r.nextInt(4)) {
                case 0 -> r.nextLong() & f.fracMask; // any
                case 1 -> (r.nextLong() & f.fracMask) & ~((1L << r.nextInt(f.fracBits)) - 1); // few low bits
                case 2 -> (r.nextLong() & f.fracMask) >>> r.nextInt(f.fracBits); // few high bits
                default -> r.nextBoolean() ? 0 : f.fracMask - r.nextInt(3); // powers of two, all ones
            };
            int exponent = switch (r.nextInt(5)) {
                case 0 -> 0; // subnormal
                case 1 -> 1 + r.nextInt(3); // the smallest normals
                case 2 -> f.expOnes - 1 - r.nextInt(3); // the largest
                default -> f.bias - 30 + r.nextInt(60); // ordinary
            };
            long bits = ((long) exponent << f.fracBits) | fraction | (r.nextBoolean() ? f.signBit : 0);
            if (!f.isZero(bits)) {
                return bits;
            }
        }
    }

    /** A second operand near the first (cancellation, ties) or independent. */
    private static long second(FpFormat f, long a, SplittableRandom r) {
        if (r.nextInt(3) == 0) {
            long near = a + r.nextInt(5) - 2;
            near ^= r.nextBoolean() ? f.signBit : 0;
            if (!f.isNaN(near) && !f.isInfinite(near) && !f.isZero(near)) {
                return f.clean(near);
            }
        }
        return operand(f, r);
    }

    private static String hex(long bits) {
        return Long.toHexString(bits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "sub", "mul", "div", "sqrt", "fma", "fnmadd"})
    void arithmeticMatchesTheOracleInEveryMode(String op) {
        for (FpFormat f : new FpFormat[] {F32, F64}) {
            SplittableRandom r = new SplittableRandom(op.hashCode() * 31L + f.fracBits);
            for (int i = 0; i < CASES; i++) {
                long a = operand(f, r);
                long b = second(f, a, r);
                long c = second(f, r.nextBoolean() ? a : b, r);
                if (op.equals("sqrt")) {
                    a &= ~f.signBit;
                }
                int rm = r.nextInt(5);
                ExactOracle.Exact va = ExactOracle.value(f, a);
                ExactOracle.Exact vb = ExactOracle.value(f, b);
                ExactOracle.Exact vc = ExactOracle.value(f, c);
                ExactOracle.Exact exact = switch (op) {
                    case "add" -> ExactOracle.add(va, vb);
                    case "sub" -> ExactOracle.add(va, ExactOracle.value(f, b ^ f.signBit));
                    case "mul" -> ExactOracle.multiply(va, vb);
                    case "div" -> ExactOracle.divide(va, vb);
                    case "sqrt" -> ExactOracle.sqrt(va);
                    case "fma" -> ExactOracle.add(ExactOracle.multiply(va, vb), vc);
                    default -> ExactOracle.add(ExactOracle.multiply(ExactOracle.value(f, a ^ f.signBit), vb),
                            ExactOracle.value(f, c ^ f.signBit)); // fnmadd: -(a * b) - c
                };
                if (exact == null) {
                    continue; // an exact zero: the sign rules are tested apart
                }
                ExactOracle.Result want = ExactOracle.round(f, exact, rm);
                String what = String.format("%s %s(%x, %x, %x) rm=%d", f, op, a, b, c, rm);

                SoftFloat soft = new SoftFloat();
                long got = switch (op) {
                    case "add" -> soft.add(f, a, b, rm);
                    case "sub" -> soft.sub(f, a, b, rm);
                    case "mul" -> soft.mul(f, a, b, rm);
                    case "div" -> soft.div(f, a, b, rm);
                    case "sqrt" -> soft.sqrt(f, a, rm);
                    case "fma" -> soft.fma(f, a, b, c, rm);
                    default -> soft.fma(f, a ^ f.signBit, b, c ^ f.signBit, rm);
                };
                assertThat(hex(got)).as("%s: bits (SoftFloat)", what).isEqualTo(hex(want.bits()));
                assertThat(soft.flags()).as("%s: flags (SoftFloat)", what).isEqualTo(want.flags());

                for (boolean nxAccrued : new boolean[] {false, true}) {
                    Fpu fpu = new Fpu();
                    fpu.setFlags(nxAccrued ? FpFlags.NX : 0);
                    long fast = fpuOp(fpu, f, op, a, b, c, rm);
                    long fastBits = f == F32 ? Fpu.unbox(fast) : fast;
                    assertThat(hex(fastBits)).as("%s: bits (Fpu, NX accrued %s)", what, nxAccrued)
                            .isEqualTo(hex(want.bits()));
                    if (f == F32) {
                        assertThat(fast >>> 32).as("%s: NaN-boxed", what).isEqualTo(0xffff_ffffL);
                    }
                    assertThat(fpu.flags()).as("%s: flags (Fpu, NX accrued %s)", what, nxAccrued)
                            .isEqualTo(want.flags() | (nxAccrued ? FpFlags.NX : 0));
                }
            }
        }
    }

    private static long fpuOp(Fpu fpu, FpFormat f, String op, long a, long b, long c, int rm) {
        if (f == F64) {
            return switch (op) {
                case "add" -> fpu.addD(a, b, rm);
                case "sub" -> fpu.subD(a, b, rm);
                case "mul" -> fpu.mulD(a, b, rm);
                case "div" -> fpu.divD(a, b, rm);
                case "sqrt" -> fpu.sqrtD(a, rm);
                case "fma" -> fpu.fmaD(a, b, c, rm);
                default -> fpu.fmaD(a ^ f.signBit, b, c ^ f.signBit, rm);
            };
        }
        long ra = Fpu.box(a);
        long rb = Fpu.box(b);
        long rc = Fpu.box(c);
        return switch (op) {
            case "add" -> fpu.addS(ra, rb, rm);
            case "sub" -> fpu.subS(ra, rb, rm);
            case "mul" -> fpu.mulS(ra, rb, rm);
            case "div" -> fpu.divS(ra, rb, rm);
            case "sqrt" -> fpu.sqrtS(ra, rm);
            case "fma" -> fpu.fmaS(ra, rb, rc, rm);
            default -> fpu.fmaS(Fpu.box(a ^ f.signBit), rb, Fpu.box(c ^ f.signBit), rm);
        };
    }
}
