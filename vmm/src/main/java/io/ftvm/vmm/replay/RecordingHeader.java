package io.ftvm.vmm.replay;

/**
 * What a recording needs besides its entries to be replayed on its own: the machine's configuration and the guest
 * image itself.
 */
public record RecordingHeader(long ramBytes, long instructionsPerTick, String imageName, byte[] image) {
    public RecordingHeader {
        image = image.clone();
    }

    @Override
    public byte[] image() {
        return image.clone();
    }
}
