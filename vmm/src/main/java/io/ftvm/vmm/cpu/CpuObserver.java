package io.ftvm.vmm.cpu;

/**
 * Optional hooks on the hart's slow paths, for coverage measurement, tracing and (later) the debugger. They are
 * called when an instruction is decoded (the first time it executes from a cached page, and whenever its cache
 * slot was invalidated) and when a trap is taken; never per instruction on the hot path.
 */
public interface CpuObserver {
    CpuObserver NONE = new CpuObserver() { };

    /** An instruction was decoded for execution at {@code pc}; {@code raw} holds 16 or 32 bits. */
    default void decoded(long pc, int raw, long decoded) {
    }

    /**
     * A trap was taken.
     *
     * @param cause   the mcause/scause value (interrupt bit 63 set for interrupts)
     * @param from    privilege before the trap
     * @param to      privilege of the handler
     * @param vectored whether the handler address came from a vectored tvec
     */
    default void trap(long cause, long tval, int from, int to, boolean vectored) {
    }
}
