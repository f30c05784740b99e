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
}
