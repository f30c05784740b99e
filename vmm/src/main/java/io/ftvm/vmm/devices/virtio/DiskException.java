package io.ftvm.vmm.devices.virtio;

/** A disk image that cannot be used; the message names the file and the problem. */
public final class DiskException extends Exception {
    private static final long serialVersionUID = 1L;

    public DiskException(String message) {
        super(message);
    }
}
