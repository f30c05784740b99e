package io.ftvm.vmm.cpu;

/**
 * A synchronous exception raised while executing an instruction: thrown from the execute, MMU and CSR code and
 * handled in exactly one place, {@link Cpu}'s step loop. The faulting instruction does not retire.
 *
 * <p>Traps carry no stack trace: they are control flow of the guest, not errors of the VMM.
 */
public final class Trap extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int cause;
    private final long tval;

    public Trap(int cause, long tval) {
        super(null, null, false, false);
        this.cause = cause;
        this.tval = tval;
    }

    /** The exception code ({@link Cause}). */
    public int cause() {
        return cause;
    }

    /** The trap value written to {@code mtval}/{@code stval}. */
    public long tval() {
        return tval;
    }

    @Override
    public String getMessage() {
        return Cause.name(cause) + " (tval=0x" + Long.toHexString(tval) + ")";
    }
}
