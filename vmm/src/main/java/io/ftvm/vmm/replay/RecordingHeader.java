package io.ftvm.vmm.replay;

import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;

/**
 * What a recording needs besides its entries to be replayed on its own: the machine's configuration and where the
 * machine starts. A recording either starts from a boot ({@code image}: the guest image, loaded into a fresh
 * machine) or, since format 1.1, from a {@code startSnapshot} (the bytes of a
 * {@link io.ftvm.vmm.snapshot.SnapshotFile}, restored instead of booting; its entries continue from the snapshot's
 * instruction count). {@code startSnapshot} is empty for a boot recording.
 */
public record RecordingHeader(long ramBytes, long instructionsPerTick, String imageName, byte[] image,
        byte[] startSnapshot) {
    private static final byte[] NONE = new byte[0];

    public RecordingHeader {
        image = image.clone();
        startSnapshot = startSnapshot == null ? NONE : startSnapshot.clone();
    }

    /** A recording that starts by booting {@code image}. */
    public RecordingHeader(long ramBytes, long instructionsPerTick, String imageName, byte[] image) {
        this(ramBytes, instructionsPerTick, imageName, image, NONE);
    }

    /**
     * A recording that starts from {@code snapshot} (checked: magic, version, checksum); the configuration is the
     * snapshot's. {@code name} says what ran (an image or VM name), for people.
     */
    public static RecordingHeader fromSnapshot(String name, byte[] snapshot) throws SnapshotException {
        MachineConfig c = SnapshotFile.check(snapshot);
        return new RecordingHeader(c.ramBytes(), c.instructionsPerTick(), name, NONE, snapshot);
    }

    /** True when replay restores {@link #startSnapshot} instead of booting {@link #image}. */
    public boolean startsFromSnapshot() {
        return startSnapshot.length > 0;
    }

    /** The start snapshot's bytes as a stream (no copy), for restoring. */
    public java.io.InputStream openStartSnapshot() {
        return new java.io.ByteArrayInputStream(startSnapshot);
    }

    @Override
    public byte[] image() {
        return image.clone();
    }

    @Override
    public byte[] startSnapshot() {
        return startSnapshot.clone();
    }
}
