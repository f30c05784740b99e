package io.ftvm.vmm.cpu;

/**
 * What the hart needs from the board: interrupt lines driven by devices and virtual time. Virtual time is a pure
 * function of the instruction count (plus logged idle advances), so interrupts fire at the same instruction in
 * every run.
 */
public interface HartPlatform {

    /** Device-driven mip bits (MSIP, MTIP, MEIP, SEIP) as seen at instruction count {@code icount}. */
    long interruptLines(long icount);

    /**
     * The smallest instruction count {@code >= icount} at which a currently low timer line rises, or
     * {@link Long#MAX_VALUE} if none is scheduled. The run loop stops there to re-check interrupts.
     */
    long nextTimerEvent(long icount);

    /** The value of the {@code time} CSR (and CLINT mtime) at instruction count {@code icount}. */
    long time(long icount);

    /**
     * An ECALL from S-mode on a board whose firmware lives in the VMM (the builtin SBI): the platform serves the
     * call from the registers {@code x} (a7 extension, a6 function, a0..a5 arguments; results in a0 and a1) and
     * returns true, and the ECALL completes like an ordinary instruction. Returning false (the default: firmware,
     * if any, runs in M-mode in the guest) takes the environment-call trap as usual.
     */
    default boolean firmwareCall(long[] x) {
        return false;
    }
}
