package io.ftvm.vmm.replay;

/**
 * Settings of {@link RecordDriver}.
 *
 * @param sliceInstructions   instructions between input polls (and horizon entries)
 * @param digestInstructions  instructions between digest entries (0 = only at start and end)
 * @param horizonEntries      whether to log a {@link Event.Horizon} after every slice (for a live replayer)
 */
public record RecordConfig(long sliceInstructions, long digestInstructions, boolean horizonEntries) {
    public RecordConfig {
        if (sliceInstructions < 1) {
            throw new IllegalArgumentException("sliceInstructions must be positive: " + sliceInstructions);
        }
        if (digestInstructions < 0) {
            throw new IllegalArgumentException("digestInstructions must not be negative: " + digestInstructions);
        }
    }

    /** Four million instructions per slice (about 10 ms), a digest every 50 million, no horizon entries. */
    public static RecordConfig defaults() {
        return new RecordConfig(4_000_000, 50_000_000, false);
    }
}
