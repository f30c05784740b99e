package io.ftvm.chaos.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Appends events to a history file, one JSON object per line, from any thread. Each line is flushed, so the history
 * of a harness that dies still holds everything up to that point.
 */
public final class HistoryWriter implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final BufferedWriter out;
    private final LongSupplier clock;
    private final long origin;

    /** @param clock a monotonic nanosecond clock (events carry nanoseconds since this writer was made) */
    public HistoryWriter(Path file, LongSupplier clock) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.clock = clock;
        this.origin = clock.getAsLong();
    }

    /** Nanoseconds since the run started: the {@code t} of an event that happens now. */
    public long now() {
        return clock.getAsLong() - origin;
    }

    public synchronized void append(HistoryEvent e) {
        try {
            out.write(json.writeValueAsString(e));
            out.write('\n');
            out.flush();
        } catch (IOException x) {
            throw new UncheckedIOException("cannot write the history", x);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
