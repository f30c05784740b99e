package io.ftvm.primary;

/**
 * What {@link PrimaryRole#copyRecording} wrote: a self-contained recording (format 1.1, see
 * {@code docs/recording-format.md}) of {@code bytes} bytes whose machine starts at {@code firstIcount} (its start
 * snapshot) and whose replay ends at {@code lastIcount} (the last entry, or the horizon the role had executed to).
 * {@code truncated} is true when the tap stopped before now ({@code reason} says why: the size bound, an I/O error):
 * the copy is then still consistent and replayable, but ends where the tap stopped, not where the VM is.
 */
public record RecordingCopy(long bytes, long firstIcount, long lastIcount, boolean truncated, String reason) {
}
