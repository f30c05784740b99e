package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;

class ConnectionMonitorTest {

    @Test
    void mapsCuratorStates() {
        assertThat(ConnectionMonitor.map(ConnectionState.CONNECTED)).isEqualTo(CoordinationState.CONNECTED);
        assertThat(ConnectionMonitor.map(ConnectionState.RECONNECTED)).isEqualTo(CoordinationState.CONNECTED);
        assertThat(ConnectionMonitor.map(ConnectionState.SUSPENDED)).isEqualTo(CoordinationState.SUSPENDED);
        assertThat(ConnectionMonitor.map(ConnectionState.READ_ONLY)).isEqualTo(CoordinationState.SUSPENDED);
        assertThat(ConnectionMonitor.map(ConnectionState.LOST)).isEqualTo(CoordinationState.LOST);
    }

    @Test
    void reportsChangesAndNewSessions() {
        ConnectionMonitor m = new ConnectionMonitor();
        List<ConnectionMonitor.Event> events = new ArrayList<>();
        m.addListener(events::add);
        m.onConnectionState(ConnectionState.CONNECTED);
        m.onConnectionState(ConnectionState.SUSPENDED);
        m.onConnectionState(ConnectionState.RECONNECTED);
        m.onConnectionState(ConnectionState.SUSPENDED);
        m.onConnectionState(ConnectionState.LOST);
        m.onConnectionState(ConnectionState.RECONNECTED);
        assertThat(events).containsExactly(
                new ConnectionMonitor.Event(CoordinationState.SUSPENDED, CoordinationState.CONNECTED, false),
                new ConnectionMonitor.Event(CoordinationState.CONNECTED, CoordinationState.SUSPENDED, false),
                new ConnectionMonitor.Event(CoordinationState.SUSPENDED, CoordinationState.CONNECTED, false),
                new ConnectionMonitor.Event(CoordinationState.CONNECTED, CoordinationState.SUSPENDED, false),
                new ConnectionMonitor.Event(CoordinationState.SUSPENDED, CoordinationState.LOST, false),
                new ConnectionMonitor.Event(CoordinationState.LOST, CoordinationState.CONNECTED, true));
        assertThat(m.state()).isEqualTo(CoordinationState.CONNECTED);
    }
}
