package io.ftvm.vmm.board;

/**
 * Receives the machine's output. Devices never print: the console's bytes arrive here with the instruction count
 * at which the guest produced them and their offset in the console stream (both deterministic).
 */
@FunctionalInterface
public interface OutputSink {
    OutputSink DISCARD = (icount, offset, b) -> { };

    void console(long icount, long offset, int b);
}
