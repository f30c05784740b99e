package io.ftvm.primary;

/**
 * A role has no recording to copy: recording is off in the settings, the tap could not start (the message says
 * why: no room for the start snapshot under the bound, an I/O error), a backup has not received its snapshot yet,
 * or the role is closed.
 */
public final class RecordingUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordingUnavailableException(String message) {
        super(message);
    }
}
