package io.ftvm.coordinator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Curator's connection states into {@link CoordinationState} (whose javadoc says what each means for the
 * roles) and tells listeners. Before the first connection the state is {@link CoordinationState#SUSPENDED}.
 * Listeners run on Curator's connection-state thread and must not block.
 */
public final class ConnectionMonitor implements ConnectionStateListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionMonitor.class);

    /** Receives every change of {@link CoordinationState}. */
    @FunctionalInterface
    public interface Listener {
        void onCoordinationChange(Event event);
    }

    /**
     * One change. {@code newSession} is true on {@code CONNECTED} after {@code LOST}: ephemeral nodes and watches of
     * the old session are gone and have to be re-established (the coordinator's own classes do that).
     */
    public record Event(CoordinationState previous, CoordinationState current, boolean newSession) {
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private CoordinationState state = CoordinationState.SUSPENDED;
    private boolean lostSinceConnected;

    /** Curator's state → ftvm's. READ_ONLY (not enabled by ftvm) counts as suspended: no writes are possible. */
    static CoordinationState map(ConnectionState s) {
        switch (s) {
            case CONNECTED:
            case RECONNECTED:
                return CoordinationState.CONNECTED;
            case LOST:
                return CoordinationState.LOST;
            case SUSPENDED:
            case READ_ONLY:
            default:
                return CoordinationState.SUSPENDED;
        }
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        onConnectionState(newState);
    }

    /** Applies one Curator state (public for tests that drive the monitor without ZooKeeper). */
    void onConnectionState(ConnectionState newState) {
        CoordinationState next = map(newState);
        Event event;
        synchronized (lock) {
            boolean newSession = false;
            if (next == CoordinationState.LOST) {
                lostSinceConnected = true;
            } else if (next == CoordinationState.CONNECTED) {
                newSession = lostSinceConnected;
                lostSinceConnected = false;
            }
            if (next == state && !newSession) {
                return;
            }
            event = new Event(state, next, newSession);
            state = next;
            lock.notifyAll();
        }
        LOG.info("ZooKeeper link {} -> {}{} (Curator {})", event.previous(), event.current(),
                event.newSession() ? " with a new session" : "", newState);
        for (Listener l : listeners) {
            try {
                l.onCoordinationChange(event);
            } catch (RuntimeException e) {
                LOG.error("coordination listener {} failed on {}", l, event, e);
            }
        }
    }

    public CoordinationState state() {
        synchronized (lock) {
            return state;
        }
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Waits until {@code wanted} or the timeout; true if reached. */
    public boolean await(CoordinationState wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (state != wanted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}
