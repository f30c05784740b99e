package io.ftvm.primary;

import java.nio.file.Path;

/**
 * Where a role keeps its VM's live recording ({@link RecordingTap}) and how large it may grow. A {@code directory}
 * of null turns recording off. {@code maxBytes} bounds the whole file (header with its start snapshot included):
 * past it the tap stops appending, and a fetched copy says it was truncated.
 */
public record RecordingSettings(Path directory, long maxBytes) {
    /** The default bound: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    /** The smallest bound accepted (a header alone needs more than a few bytes). */
    public static final long MIN_MAX_BYTES = 4096;

    public RecordingSettings {
        if (directory != null && maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("recording maxBytes " + maxBytes + " below " + MIN_MAX_BYTES);
        }
    }

    /** Recordings under {@code directory}, bounded by {@link #DEFAULT_MAX_BYTES}. */
    public static RecordingSettings under(Path directory) {
        return new RecordingSettings(directory, DEFAULT_MAX_BYTES);
    }

    /** No recording. */
    public static RecordingSettings off() {
        return new RecordingSettings(null, DEFAULT_MAX_BYTES);
    }

    public boolean enabled() {
        return directory != null;
    }

    public RecordingSettings withMaxBytes(long bytes) {
        return new RecordingSettings(directory, bytes);
    }
}
