package io.ftvm.vmm.fpu;

/** The accrued exception flags of {@code fflags}, as the bits the specification gives them. */
public final class FpFlags {
    /** Inexact. */
    public static final int NX = 1;
    /** Underflow (tiny after rounding, and inexact). */
    public static final int UF = 2;
    /** Overflow. */
    public static final int OF = 4;
    /** Divide by zero. */
    public static final int DZ = 8;
    /** Invalid operation. */
    public static final int NV = 16;
    /** All five. */
    public static final int ALL = 31;

    private FpFlags() {
    }
}
