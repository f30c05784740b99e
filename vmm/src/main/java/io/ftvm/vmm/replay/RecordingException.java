package io.ftvm.vmm.replay;

/** A recording that cannot be written or read; the message names the file, the offset and the problem. */
public final class RecordingException extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordingException(String message) {
        super(message);
    }

    public RecordingException(String message, Throwable cause) {
        super(message, cause);
    }
}
