package io.ftvm.replication.console;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link ConsoleClient}'s connection held ready at the host its VM would move to (the last
 * {@link ConsoleMessage.Standby}): TCP and TLS done, no HELLO sent, kept alive by the framing's pings. When the
 * client's connection ends with a hint there (a switchover) or without a hint (its primary went silent or closed),
 * the client goes on over it ({@link #take}) and saves a connect and a handshake. Confined to the client's I/O
 * thread.
 */
final class StandbyConnection {
    /** A connection and its handler. */
    record Taken(ConsoleClientHandler handler, Channel channel) {
    }

    /** How soon a standby connection that ended is opened again (while the standby stays). */
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final EventLoop loop;
    private final Function<Endpoint, Taken> dial;
    private final Supplier<Endpoint> serving;
    /** Where the VM would move, or null. */
    private Endpoint standby;
    private Taken spare;

    /**
     * {@code dial} opens a connection (its handler not yet current); {@code serving} is the endpoint the client is
     * connected to now (null: none, or the client stopped), where no standby connection is held.
     */
    StandbyConnection(EventLoop loop, Function<Endpoint, Taken> dial, Supplier<Endpoint> serving) {
        this.loop = loop;
        this.dial = dial;
        this.serving = serving;
    }

    /** The server said where the VM would move ({@code ep}; null: nowhere): hold a connection there. */
    void standbyAt(Endpoint ep) {
        standby = ep;
        if (spare != null && !spare.handler().endpoint().equals(ep)) {
            close();
            standby = ep;
        }
        open();
    }

    private void open() {
        Endpoint ep = standby;
        Endpoint now = serving.get();
        if (spare == null && ep != null && now != null && !ep.equals(now)) {
            spare = dial.apply(ep);
        }
    }

    boolean holds(ConsoleClientHandler h) {
        return spare != null && spare.handler() == h;
    }

    /** A connection ended: true if it was the one held ready (it is opened again shortly). */
    boolean ended(ConsoleClientHandler h) {
        if (!holds(h)) {
            return false;
        }
        spare = null;
        loop.schedule(this::open, RETRY_NANOS, TimeUnit.NANOSECONDS);
        return true;
    }

    /**
     * Hands over the connection held ready, if the client's ended connection pointed there ({@code hint}) or nowhere
     * (null); null otherwise.
     */
    Taken take(Endpoint hint) {
        Taken t = spare;
        if (t == null || hint != null && !hint.equals(t.handler().endpoint())) {
            return null;
        }
        spare = null;
        standby = null; // the new server says where its own standby is
        return t;
    }

    /** Closes the connection held ready, and forgets the standby. */
    void close() {
        Taken t = spare;
        spare = null;
        standby = null;
        if (t != null) {
            t.channel().close();
        }
    }
}
