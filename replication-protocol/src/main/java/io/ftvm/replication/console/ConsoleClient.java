package io.ftvm.replication.console;

import io.ftvm.replication.console.ConsoleClientHandler.Ending;
import io.ftvm.replication.console.ConsoleMessage.Bye;
import io.ftvm.replication.console.ConsoleMessage.Error;
import io.ftvm.replication.console.ConsoleMessage.InputAck;
import io.ftvm.replication.console.ConsoleMessage.Output;
import io.ftvm.replication.console.ConsoleMessage.Redirect;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a VM's console that survives failover. It tries its endpoints in turn, follows REDIRECTs and BYE
 * hints, and reconnects with bounded backoff whenever a connection ends. Output: it asks each server for the next
 * offset it has not received and checks that every OUTPUT starts exactly there, so the output listener sees each
 * byte once and in order (a server that sends anything else is dropped as broken). Input: bytes given to {@link
 * #send} are kept until a server acknowledges them as durable and resent, at the same offsets, after a reconnect, so
 * the backend takes each exactly once.
 *
 * <p>All connection work runs on one I/O thread; listeners are called on it and must not block for long (a listener
 * that blocks stalls reading, which pushes back on the server: nothing is lost).
 */
public final class ConsoleClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleClient.class);

    /** Where the client stands. */
    public enum State {
        /** Not (yet, or no longer) welcomed by a server; trying. */
        CONNECTING,
        /** A server streams output and takes input. */
        CONNECTED,
        /** Stopped for good: see the FAILED event. {@link #close()} still releases the thread. */
        FAILED,
        CLOSED
    }

    /** Receives output in order, each byte once: {@code offset} is the stream offset of {@code bytes[0]}. */
    @FunctionalInterface
    public interface OutputListener {
        void onOutput(long offset, byte[] bytes);
    }

    private final ConsoleClientConfig config;
    /** The TLS client context, or null for plain TCP. */
    private final SslContext tls;
    private final OutputListener outputListener;
    private final ConnectionEvent.Listener eventListener;
    private final EventLoopGroup group = Transports.group(1);
    private final EventLoop loop = group.next();
    private final ConsoleFraming.Stats stats = new ConsoleFraming.Stats();
    private final ConsoleDialer dialer;
    /** The connection held ready where the VM would move (see {@link ConsoleMessage.Standby}). */
    private final StandbyConnection standby;
    private final ClientInputBuffer input;
    private final Backoff backoff;
    private final CountDownLatch stopped = new CountDownLatch(1);

    // Confined to the I/O thread.
    private long outputNext;
    private boolean welcomedOnce;
    private int endpointIndex;
    private ConsoleClientHandler current;
    private Channel channel;

    private volatile State state = State.CONNECTING;
    private volatile long outputOffset;
    private volatile Endpoint connectedTo;

    /** How long an endpoint that went silent is not asked again (unless it is the only one). */
    private static final long SILENT_AVOID_NANOS = 1_000_000_000L;
    private Endpoint silentEndpoint;
    private long silentUntil;

    private boolean avoided(Endpoint ep) {
        return ep.equals(silentEndpoint) && silentUntil - System.nanoTime() > 0;
    }

    private ConsoleClient(ConsoleClientConfig config, SslContext tls, OutputListener output,
            ConnectionEvent.Listener events) {
        this.config = config;
        this.tls = tls;
        this.outputListener = output;
        this.eventListener = events;
        this.input = new ClientInputBuffer(config.inputBufferBytes());
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        this.dialer = new ConsoleDialer(loop, config, tls, stats);
        this.standby = new StandbyConnection(loop, ep -> new ConsoleClientHandler(this, ep), this::dial,
                () -> terminal() || current == null ? null : current.endpoint());
        this.outputNext = config.startOffset();
        this.outputOffset = config.startOffset();
    }

    /**
     * Creates a client and starts connecting to the first endpoint.
     *
     * @throws io.ftvm.replication.TlsConfig.TlsConfigException when the config's TLS files are unusable
     */
    public static ConsoleClient start(ConsoleClientConfig config, OutputListener output,
            ConnectionEvent.Listener events) {
        SslContext tls = config.tls() == null ? null : config.tls().nettyContext(); // before any thread starts
        ConsoleClient c = new ConsoleClient(config, tls, output, events);
        c.loop.execute(() -> c.connect(config.endpoints().get(0)));
        return c;
    }

    public State state() {
        return state;
    }

    /** The next output offset this client needs (everything below it was delivered); negative before WELCOME. */
    public long outputOffset() {
        return outputOffset;
    }

    /** The highest input offset a server acknowledged as durable. */
    public long inputAcked() {
        return input.acked();
    }

    /** Input bytes held: sent but not acknowledged, or not yet sent. */
    public int inputPending() {
        return input.pending();
    }

    /** The endpoint currently serving this client, or null. */
    public Endpoint connectedTo() {
        return connectedTo;
    }

    public ConsoleFraming.Stats stats() {
        return stats;
    }

    /**
     * Queues {@code bytes} as console input, waiting up to the configured send timeout for room in the input buffer.
     *
     * @throws IllegalStateException when the client is closed or failed, or no room came in time (no server is
     *                               taking input)
     */
    public void send(byte[] bytes) throws InterruptedException {
        if (state == State.CLOSED || state == State.FAILED) {
            throw new IllegalStateException("console client is " + state);
        }
        if (!config.access().writes()) {
            throw new IllegalStateException("console attached read-only: typing needs the write lease");
        }
        for (int off = 0; off < bytes.length; off += ConsoleCodec.MAX_PAYLOAD) {
            byte[] part = off == 0 && bytes.length <= ConsoleCodec.MAX_PAYLOAD ? bytes.clone()
                    : java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + ConsoleCodec.MAX_PAYLOAD));
            if (!input.append(part, config.sendTimeout())) {
                throw new IllegalStateException("no room for input for " + config.sendTimeout().toMillis()
                        + " ms: " + input.pending() + " bytes wait for a server to acknowledge them");
            }
            onLoop(this::flushInput);
        }
    }

    /** Waits until every byte sent has been acknowledged as durable; false on timeout. */
    public boolean awaitInputAcked(Duration timeout) throws InterruptedException {
        return input.awaitDrained(timeout);
    }

    /** Waits until the client has failed or been closed; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- connections (I/O thread)

    private void connect(Endpoint ep) {
        if (terminal()) {
            return;
        }
        ConsoleClientHandler handler = new ConsoleClientHandler(this, ep);
        current = handler;
        channel = dial(ep, handler);
    }

    /** Opens a connection to {@code ep} for {@code handler}; a failed connect ends it ({@link #connectionEnded}). */
    private Channel dial(Endpoint ep, ConsoleClientHandler handler) {
        return dialer.dial(ep, handler, cause -> connectionEnded(handler, Ending.lost("cannot connect to " + ep + ": "
                + cause.getMessage())));
    }

    void onStandby(ConsoleMessage.Standby st) {
        standby.standbyAt(parseHint(st.hint()));
    }

    /**
     * When the connection ends without a hint elsewhere, or with a hint to the standby: goes on over the standby
     * connection (HELLO now, or once it is up) instead of a new connect and handshake. True when it did.
     */
    private boolean promoteSpare(Ending e) {
        if (e.sameEndpoint()) {
            return false;
        }
        StandbyConnection.Taken t = standby.take(e.hint());
        if (t == null) {
            return false;
        }
        current = t.handler();
        channel = t.channel();
        LOG.debug("console client goes on over its standby connection to {}: {}", t.handler().endpoint(),
                e.detail());
        if (channel.isActive()) {
            onActive(current, channel);
        }
        return true;
    }

    void onActive(ConsoleClientHandler h, Channel ch) {
        if (standby.holds(h)) {
            return; // held ready: HELLO only once it takes over (promoteSpare)
        }
        if (h != current) {
            ch.close();
            return;
        }
        long outputFrom = outputNext >= 0 ? outputNext : config.startOffset();
        // A take-over takes the lease once; reconnections (after a failover) ask for it like any writer.
        ConsoleAccess access = config.access() == ConsoleAccess.TAKE_OVER && welcomed ? ConsoleAccess.WRITE
                : config.access();
        ch.writeAndFlush(new ConsoleMessage.Hello(helloVersion, config.vmId(), outputFrom,
                input.helloInputFrom(), access, config.credential(), config.clientName()), ch.voidPromise());
    }

    /** The protocol version HELLO asks for: this code's, or the oldest it speaks once a host refused that. */
    private int helloVersion = ConsoleCodec.VERSION;

    /** Set at the first WELCOME (the event-loop thread writes it, the next HELLO reads it). */
    private volatile boolean welcomed;

    void onWelcome(ConsoleClientHandler h, Channel ch, Welcome w) throws ConsoleException {
        welcomed = true;
        long expected = outputNext >= 0 ? outputNext : config.startOffset();
        if (expected >= 0 && w.outputFrom() != expected) {
            throw ConsoleCodec.violation("WELCOME resumes output at " + w.outputFrom() + " but this client needs "
                    + expected);
        }
        outputNext = w.outputFrom();
        outputOffset = outputNext;
        long missing = input.onWelcome(w.inputNext(), w.inputAcked());
        backoff.reset();
        followedHint = false;
        selfRedirects = 0;
        connectedTo = h.endpoint();
        state = State.CONNECTED;
        ConnectionEvent.Kind kind = welcomedOnce ? ConnectionEvent.Kind.RECONNECTED : ConnectionEvent.Kind.CONNECTED;
        welcomedOnce = true;
        emit(kind, h.endpoint(), "history from " + w.historyStart() + ", output end " + w.outputEnd());
        if (missing > 0) {
            emit(ConnectionEvent.Kind.INPUT_LOST, h.endpoint(), missing + " input bytes acknowledged earlier are"
                    + " missing on " + h.endpoint() + " (its input ends at " + w.inputNext() + ")");
        }
        flushInput();
    }

    void onOutput(Output o) throws ConsoleException {
        if (o.offset() != outputNext) {
            throw ConsoleCodec.violation("OUTPUT at offset " + o.offset() + " but the next offset needed is "
                    + outputNext + (o.offset() > outputNext ? " (a gap)" : " (a repeat)"));
        }
        outputNext = o.end();
        outputOffset = outputNext;
        try {
            outputListener.onOutput(o.offset(), o.bytes());
        } catch (RuntimeException e) {
            LOG.warn("console output listener failed at offset {}", o.offset(), e);
        }
    }

    void onInputAck(InputAck a) {
        input.onAck(a.acked());
    }

    Ending onRedirect(Endpoint from, Redirect r) {
        Endpoint hint = parseHint(r.hint());
        emit(ConnectionEvent.Kind.REDIRECTED, from, r.reason() + (hint == null ? " (primary unknown)"
                : " -> " + hint));
        return new Ending(from + " redirected: " + r.reason(), hint, false, false);
    }

    Ending onError(Endpoint from, Error e) {
        ConsoleError code = e.error();
        String detail = from + " refused: " + (code == null ? "error " + e.code() : code) + ": " + e.message();
        if (code == ConsoleError.UNSUPPORTED_VERSION && helloVersion > ConsoleCodec.MIN_VERSION) {
            // a host of the previous release: speak its version from now on (no STANDBY from it)
            helloVersion = ConsoleCodec.MIN_VERSION;
            return new Ending(detail + "; asking again in protocol version " + helloVersion, null, true, false);
        }
        if (code == ConsoleError.UNSUPPORTED_VERSION || code == ConsoleError.UNAUTHENTICATED
                || code == ConsoleError.READ_ONLY || code == ConsoleError.WRITE_LEASE_HELD
                || code == ConsoleError.WRITE_LEASE_LOST || code == ConsoleError.VM_LOST) {
            return new Ending(detail, null, false, true); // asking again cannot help
        }
        if (code == ConsoleError.OFFSET_NOT_HELD && e.offset() > outputNext) {
            String gap = "output [" + outputNext + ", " + e.offset() + ") is no longer held; the oldest offset held"
                    + " is " + e.offset();
            emit(ConnectionEvent.Kind.OUTPUT_GAP, from, gap);
            if (!config.acceptOutputGaps()) {
                return new Ending(gap + "; not accepting the gap", null, false, true);
            }
            outputNext = e.offset();
            outputOffset = outputNext;
            return new Ending(gap + "; resuming there", null, true, false);
        }
        if (code == ConsoleError.INPUT_CONFLICT) {
            long dropped = input.onConflict(e.offset());
            emit(ConnectionEvent.Kind.INPUT_LOST, from, dropped + " input bytes not delivered: " + e.message());
        }
        if (code == ConsoleError.INPUT_GAP) {
            emit(ConnectionEvent.Kind.INPUT_LOST, from, "the host lacks acknowledged input: " + e.message());
        }
        return Ending.lost(detail);
    }

    Ending onBye(Endpoint from, Bye b) {
        return new Ending(from + " said goodbye: " + b.reason(), parseHint(b.hint()), false, false);
    }

    private Endpoint parseHint(String hint) {
        if (hint.isEmpty()) {
            return null;
        }
        try {
            return Endpoint.parse(hint);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a malformed endpoint hint: {}", e.getMessage());
            return null;
        }
    }

    /** A redirect hint was followed at once since the last welcome (event loop only). */
    private boolean followedHint;
    /** Redirects of a host to itself since the last welcome (event loop only). */
    private int selfRedirects;
    private static final int SELF_REDIRECTS = 40;
    private static final Duration SELF_REDIRECT_DELAY = Duration.ofMillis(5);

    /** A connection (attempt) ended; decides where and when to try next. Runs once per connection. */
    void connectionEnded(ConsoleClientHandler h, Ending e) {
        if (standby.ended(h)) {
            return;
        }
        if (h != current) {
            return;
        }
        current = null;
        channel = null;
        connectedTo = null;
        input.disconnected();
        if (terminal()) {
            return;
        }
        if (e.fatal()) {
            fail(e.detail());
            return;
        }
        state = State.CONNECTING;
        emit(ConnectionEvent.Kind.DISCONNECTED, h.endpoint(), e.detail());
        if (e.silent()) {
            // a host that went silent may be frozen: its kernel still accepts connections, and until its peers
            // notice, the others still redirect to it. Ask elsewhere for a moment instead of waiting on it again.
            silentEndpoint = h.endpoint();
            silentUntil = System.nanoTime() + SILENT_AVOID_NANOS;
        }
        if (promoteSpare(e)) {
            return;
        }
        Endpoint next;
        Duration delay;
        if (e.sameEndpoint()) {
            next = h.endpoint();
            delay = Duration.ZERO;
        } else if (e.hint() != null && e.hint().equals(h.endpoint()) && selfRedirects < SELF_REDIRECTS) {
            // the host names itself the primary but does not serve yet: it is going live (the last milliseconds of
            // a takeover, after its record change). Ask it again shortly, a bounded number of times.
            selfRedirects++;
            next = e.hint();
            delay = SELF_REDIRECT_DELAY;
        } else if (e.hint() != null && !avoided(e.hint()) && !followedHint) {
            // the first redirect since the last welcome goes at once: the server named where the primary is now (a
            // switchover, a failover it has seen); a second one backs off, so two hosts that disagree for a moment
            // are not asked in a tight loop
            followedHint = true;
            next = e.hint();
            delay = Duration.ZERO;
        } else {
            delay = backoff.next();
            if (e.hint() != null && !avoided(e.hint())) {
                next = e.hint();
            } else {
                int i = config.endpoints().indexOf(e.hint() != null ? e.hint() : h.endpoint());
                next = null;
                for (int k = 1; k <= config.endpoints().size() && next == null; k++) {
                    int j = ((i >= 0 ? i : endpointIndex) + k) % config.endpoints().size();
                    if (!avoided(config.endpoints().get(j)) || k == config.endpoints().size()) {
                        endpointIndex = j;
                        next = config.endpoints().get(j);
                    }
                }
            }
        }
        LOG.debug("console client reconnecting to {} in {} ms: {}", next, delay.toMillis(), e.detail());
        Endpoint target = next;
        loop.schedule(() -> connect(target), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    void flushInput() {
        Channel ch = channel;
        if (current == null || !current.welcomed() || ch == null || terminal()) {
            return;
        }
        boolean wrote = false;
        while (ch.isWritable()) {
            ConsoleMessage.Input in = input.nextToSend(ConsoleCodec.MAX_PAYLOAD);
            if (in == null) {
                break;
            }
            ch.write(in, ch.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    private boolean terminal() {
        return state == State.CLOSED || state == State.FAILED;
    }

    private void fail(String detail) {
        state = State.FAILED;
        LOG.error("console client for VM {} stopped: {}", config.vmId(), detail);
        emit(ConnectionEvent.Kind.FAILED, null, detail);
        input.close();
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        standby.close();
        stopped.countDown();
    }

    private void emit(ConnectionEvent.Kind kind, Endpoint ep, String detail) {
        try {
            eventListener.onEvent(new ConnectionEvent(kind, ep, outputNext, input.acked(), detail));
        } catch (RuntimeException e) {
            LOG.warn("console connection listener failed on {}", kind, e);
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Says BYE to the server, closes the connection and releases the I/O thread (bounded waits). */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        input.close();
        CountDownLatch byeSent = new CountDownLatch(1);
        try {
            loop.execute(() -> {
                Channel ch = channel;
                current = null;
                standby.close();
                if (ch != null && ch.isActive()) {
                    ch.writeAndFlush(new ConsoleMessage.Bye("", "client closed"))
                            .addListener(ChannelFutureListener.CLOSE).addListener(f -> byeSent.countDown());
                } else {
                    byeSent.countDown();
                }
            });
            byeSent.await(2, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // already shutting down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        emit(ConnectionEvent.Kind.CLOSED, null, "closed");
        stopped.countDown();
    }
}
