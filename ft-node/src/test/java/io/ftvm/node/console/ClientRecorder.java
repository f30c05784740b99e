package io.ftvm.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConsoleClient;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Collects what a {@link ConsoleClient} delivers, checking that output offsets are contiguous. */
final class ClientRecorder implements ConsoleClient.OutputListener, ConnectionEvent.Listener {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final List<ConnectionEvent> events = new ArrayList<>();
    private long start = -1;
    private long next = -1;
    private String broken;

    @Override
    public synchronized void onOutput(long offset, byte[] bytes) {
        if (start < 0) {
            start = offset;
            next = offset;
        }
        if (offset != next && broken == null) {
            broken = "output at " + offset + " after " + next;
        }
        output.write(bytes, 0, bytes.length);
        next = offset + bytes.length;
    }

    @Override
    public synchronized void onEvent(ConnectionEvent event) {
        events.add(event);
    }

    synchronized byte[] output() {
        assertThat(broken).as("output offsets contiguous").isNull();
        return output.toByteArray();
    }

    synchronized int outputSize() {
        return output.size();
    }

    synchronized long firstOffset() {
        return start;
    }

    synchronized List<ConnectionEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<ConnectionEvent.Kind> kinds() {
        return events.stream().map(ConnectionEvent::kind).toList();
    }

    synchronized boolean saw(ConnectionEvent.Kind kind) {
        return events.stream().anyMatch(e -> e.kind() == kind);
    }
}
