package io.ftvm.chaos.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a history file back, line by line; a torn last line (a harness killed mid-write) is skipped, a malformed
 * line anywhere else is refused with the line named.
 */
public final class HistoryReader {
    private HistoryReader() {
    }

    /** Every event of {@code file} in memory (short histories: tests, small runs). */
    public static List<HistoryEvent> read(Path file) throws IOException {
        List<HistoryEvent> events = new ArrayList<>();
        forEach(file, events::add);
        return events;
    }

    /** Hands every event of {@code file} to {@code sink}, in order, holding one line at a time. */
    public static void forEach(Path file, Consumer<HistoryEvent> sink) throws IOException {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                HistoryEvent e;
                try {
                    e = json.readValue(line, HistoryEvent.class);
                } catch (IOException ex) {
                    if (in.ready()) {
                        throw new IOException(file + " line " + number + " is malformed: " + line, ex);
                    }
                    continue;
                }
                sink.accept(e);
            }
        }
    }
}
