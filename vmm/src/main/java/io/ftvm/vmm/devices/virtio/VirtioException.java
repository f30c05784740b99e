package io.ftvm.vmm.devices.virtio;

/** The guest programmed a virtqueue in a way the device cannot follow; the message names what is wrong. */
public final class VirtioException extends Exception {
    private static final long serialVersionUID = 1L;

    public VirtioException(String message) {
        super(message);
    }
}
