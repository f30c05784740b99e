package io.ftvm.vmm.snapshot;

/** A snapshot that cannot be restored; the message names the problem. No machine is returned. */
public final class SnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }
}
