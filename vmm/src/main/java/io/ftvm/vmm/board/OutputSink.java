package io.ftvm.vmm.board;

/**
 * Receives the machine's output. Devices never print: the console's bytes arrive here with the instruction count
 * at which the guest produced them and their offset in the console stream (both deterministic); so do the network
 * frames the guest sends (outputs: a fault-tolerant primary releases them only once the backup has the log up to
 * their instruction count).
 */
@FunctionalInterface
public interface OutputSink {
    OutputSink DISCARD = (icount, offset, b) -> { };

    void console(long icount, long offset, int b);

    /** A frame the guest sent on its network interface at {@code icount} (Ethernet, without the virtio header). */
    default void frame(long icount, byte[] frame) {
    }
}
