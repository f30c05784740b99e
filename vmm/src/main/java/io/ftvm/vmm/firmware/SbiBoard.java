package io.ftvm.vmm.firmware;

/** What the builtin SBI needs from the board it runs on. Called on the machine's thread, during an ECALL. */
public interface SbiBoard {

    /** Writes one byte to the console (the same stream as the UART's output). */
    void consoleWrite(int b);

    /** Takes one byte of console input (from the UART's receive FIFO), or returns -1 when none is waiting. */
    int consoleRead();

    /** The current value of {@code mtime}. */
    long time();

    /**
     * Reads guest physical memory for the debug console; returns -1 when {@code [address, address + length)} is not
     * entirely in RAM.
     */
    int readPhysical(long address, byte[] into, int length);

    /** Writes guest physical memory; returns false (writing nothing) when the range is not entirely in RAM. */
    boolean writePhysical(long address, byte[] from, int length);

    /** Raises the supervisor software interrupt (an IPI to the only hart). */
    void raiseSoftwareInterrupt();

    /** Flushes the hart's translations and decoded instructions (a remote fence on the only hart). */
    void fence();

    /** Waits for an interrupt, as WFI (a retentive HSM suspend). */
    void suspend();

    /** Powers the machine off with an exit code (0 for a clean shutdown). */
    void powerOff(int code);

    /** Resets the machine. */
    void reboot();
}
