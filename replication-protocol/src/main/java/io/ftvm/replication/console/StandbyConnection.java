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

    /** How soon a standby connection that ended is first opened again (while the standby stays); it doubles. */
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final EventLoop loop;
    private final Function<Endpoint, ConsoleClientHandler> newHandler;
    private final java.util.function.BiFunction<Endpoint, ConsoleClientHandler, Channel> dial;
    private final Supplier<Endpoint> serving;
    /** Where the VM would move, or null. */
    private Endpoint standby;
    /** The connection held ready: its handler (set before dialling: a connect may fail within dial) and channel. */
    private ConsoleClientHandler spare;
    private Channel spareChannel;
    /** Failed attempts in a row (the retry backs off), reset when a connection is taken. */
    private int failures;

    /**
     * {@code newHandler} makes a connection's handler and {@code dial} opens it; {@code serving} is the endpoint the
     * client is connected to now (null: none, or the client stopped), where no standby connection is held.
     */
    StandbyConnection(EventLoop loop, Function<Endpoint, ConsoleClientHandler> newHandler,
            java.util.function.BiFunction<Endpoint, ConsoleClientHandler, Channel> dial, Supplier<Endpoint> serving) {
        this.loop = loop;
        this.newHandler = newHandler;
        this.dial = dial;
        this.serving = serving;
    }

    /** The server said where the VM would move ({@code ep}; null: nowhere): hold a connection there. */
    void standbyAt(Endpoint ep) {
        if (!java.util.Objects.equals(ep, standby)) {
            failures = 0;
        }
        standby = ep;
        if (spare != null && !spare.endpoint().equals(ep)) {
            close();
            standby = ep;
        }
        open();
    }

    private void open() {
        Endpoint ep = standby;
        Endpoint now = serving.get();
        if (spare == null && ep != null && now != null && !ep.equals(now)) {
            ConsoleClientHandler h = newHandler.apply(ep);
            spare = h;
            Channel ch = dial.apply(ep, h);
            if (spare == h) { // not failed within dial
                spareChannel = ch;
            }
        }
    }

    boolean holds(ConsoleClientHandler h) {
        return spare != null && spare == h;
    }

    /** A connection ended: true if it was the one held ready (it is opened again later, backing off). */
    boolean ended(ConsoleClientHandler h) {
        if (!holds(h)) {
            return false;
        }
        spare = null;
        spareChannel = null;
        long delay = RETRY_NANOS << Math.min(failures++, 5); // 1 s doubling to 32 s
        loop.schedule(this::open, delay, TimeUnit.NANOSECONDS);
        return true;
    }

    /**
     * Hands over the connection held ready, if the client's ended connection pointed there ({@code hint}) or nowhere
     * (null); null otherwise.
     */
    Taken take(Endpoint hint) {
        ConsoleClientHandler h = spare;
        Channel ch = spareChannel;
        if (h == null || ch == null || !ch.isOpen() || hint != null && !hint.equals(h.endpoint())) {
            return null;
        }
        spare = null;
        spareChannel = null;
        standby = null; // the new server says where its own standby is
        failures = 0;
        return new Taken(h, ch);
    }

    /** Closes the connection held ready, and forgets the standby. */
    void close() {
        Channel ch = spareChannel;
        spare = null;
        spareChannel = null;
        standby = null;
        if (ch != null) {
            ch.close();
        }
    }
}
