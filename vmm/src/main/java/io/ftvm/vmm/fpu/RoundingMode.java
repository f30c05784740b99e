package io.ftvm.vmm.fpu;

/**
 * The rounding modes of the {@code rm} field and of {@code frm}: round to nearest, ties to even ({@link #RNE}),
 * towards zero ({@link #RTZ}), down ({@link #RDN}), up ({@link #RUP}), to nearest, ties to max magnitude
 * ({@link #RMM}); {@link #DYN} in an instruction means "the mode in {@code frm}". 5 and 6 are reserved.
 */
public final class RoundingMode {
    public static final int RNE = 0;
    public static final int RTZ = 1;
    public static final int RDN = 2;
    public static final int RUP = 3;
    public static final int RMM = 4;
    public static final int DYN = 7;

    private RoundingMode() {
    }

    /** Whether {@code rm} is a rounding mode an operation can use (0-4). */
    public static boolean isValid(int rm) {
        return rm >= RNE && rm <= RMM;
    }
}
