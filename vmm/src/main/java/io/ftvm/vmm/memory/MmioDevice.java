package io.ftvm.vmm.memory;

/**
 * A device register window on the physical bus. Offsets are relative to the region base; sizes are 1, 2, 4 or 8.
 * Devices are pure logic: they never print, sleep or read host time; their side effects go through small
 * interfaces handed to them at construction.
 */
public interface MmioDevice {

    /** Reads {@code size} bytes at {@code offset}, zero-extended. */
    long read(long offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
