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

/** Reads a history file back; a torn last line (a harness killed mid-write) is skipped. */
public final class HistoryReader {
    private HistoryReader() {
    }

    public static List<HistoryEvent> read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        List<HistoryEvent> events = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(json.readValue(line, HistoryEvent.class));
                } catch (IOException e) {
                    if (in.ready()) {
                        throw new IOException("malformed history line: " + line, e);
                    }
                }
            }
        }
        return events;
    }
}
