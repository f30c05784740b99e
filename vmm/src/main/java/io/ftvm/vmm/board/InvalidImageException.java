package io.ftvm.vmm.board;

/** A guest image that cannot be loaded; the message names the problem. Nothing was loaded into the machine. */
public final class InvalidImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message);
    }
}
