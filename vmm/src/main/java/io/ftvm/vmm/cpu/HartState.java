package io.ftvm.vmm.cpu;

/**
 * The complete architectural state of a hart, for snapshots: registers x1..x31 ({@code x[0]} is x1), pc,
 * privilege, instruction count, WFI state, the CSRs (in {@link CsrFile}'s fixed order), the LR/SC reservation, the
 * TLB, and the F/D state (f0..f31 and {@code fcsr}: frm in bits 7..5, the accrued flags in 4..0).
 */
public record HartState(long[] x, long pc, int privilege, long icount, boolean waiting, long[] csrs,
        long reservationAddress, long reservationValue, long[] tlbTags, long[] tlbPages, long[] f, long fcsr) {
    public HartState {
        x = x.clone();
        f = f.clone();
        csrs = csrs.clone();
        tlbTags = tlbTags.clone();
        tlbPages = tlbPages.clone();
    }

    /**
     * TLB contents are part of the state: a guest may rely on a stale translation until its next
     * {@code sfence.vma}, so a restored hart must see exactly the entries the original had.
     */
    @Override
    public long[] tlbTags() {
        return tlbTags.clone();
    }

    @Override
    public long[] tlbPages() {
        return tlbPages.clone();
    }

    /** Number of TLB entries a state carries (tags and pages each). */
    public static int tlbEntries() {
        return Mmu.TLB_ENTRIES;
    }

    /** The floating-point registers f0..f31 (binary32 values NaN-boxed). */
    @Override
    public long[] f() {
        return f.clone();
    }

    @Override
    public long[] x() {
        return x.clone();
    }

    @Override
    public long[] csrs() {
        return csrs.clone();
    }

    /** Number of CSR values a state carries. */
    public static int csrCount() {
        return CsrFile.SAVED_FIELDS;
    }
}
