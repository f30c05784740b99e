package io.ftvm.vmm.devices.virtio;

import io.ftvm.vmm.memory.Hasher;

/**
 * A virtio device behind a {@link VirtioMmio} transport: its identity, features, configuration space and what it
 * does with the chains the driver makes available.
 */
public interface VirtioDevice {

    /** The virtio device id (1 network, 2 block, 4 entropy). */
    int deviceId();

    /** Device-specific feature bits offered (the transport adds {@code VIRTIO_F_VERSION_1}). */
    long features();

    /** How many virtqueues the device has. */
    int queueCount();

    /** The largest size the driver may give a queue. */
    int queueMaxSize();

    /** Reads the device-specific configuration space (offsets from 0x100); beyond its end reads 0. */
    long readConfig(int offset, int size);

    /** Writes the configuration space; read-only fields ignore writes. */
    default void writeConfig(int offset, int size, long value) {
    }

    /**
     * Serves what the driver made available on queue {@code index} (it just notified). Returns true when chains
     * were completed and the guest wants to hear about it (a used-buffer interrupt).
     */
    boolean process(int index, VirtQueue queue) throws VirtioException;

    /** The driver reset the device (status 0): forget any per-driver state. */
    default void reset() {
    }

    /** Adds the device's own state (not the transport's) to a digest. */
    default void hashState(Hasher h) {
    }

    /** The device's own state for snapshots (empty when it has none). */
    default long[] state() {
        return new long[0];
    }

    /**
     * Restores {@link #state()}.
     *
     * @throws IllegalArgumentException when the state does not belong to this device
     */
    default void restore(long[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException("device " + deviceId() + " has no state, got " + state.length
                    + " words");
        }
    }
}
