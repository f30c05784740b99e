package io.ftvm.vmm.devices.virtio;

/**
 * Guest physical memory as a device sees it. Accesses outside RAM return false and transfer nothing; writes keep
 * the machine's dirty-page tracking and its decoded-instruction caches right.
 */
public interface DmaMemory {

    /** True when {@code [address, address + length)} lies entirely in RAM (length may be 0: then address must be). */
    boolean contains(long address, long length);

    /** Copies {@code length} bytes at physical {@code address} into {@code into[offset..]}. */
    boolean read(long address, byte[] into, int offset, int length);

    /** Copies {@code from[offset..offset + length)} to physical {@code address}. */
    boolean write(long address, byte[] from, int offset, int length);
}
