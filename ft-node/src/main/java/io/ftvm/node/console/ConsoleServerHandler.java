package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleError;
import io.ftvm.replication.console.ConsoleException;
import io.ftvm.replication.console.ConsoleFraming;
import io.ftvm.replication.console.ConsoleMessage;
import io.ftvm.replication.console.ConsoleMessage.Bye;
import io.ftvm.replication.console.ConsoleMessage.FromClient;
import io.ftvm.replication.console.ConsoleMessage.Hello;
import io.ftvm.replication.console.ConsoleMessage.Input;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection of a {@link ConsoleServer}, confined to its event loop.
 *
 * <pre>
 * AWAITING_HELLO --HELLO, serving, offsets held--> STREAMING --BYE / error / detach / not serving--> CLOSED
 * AWAITING_HELLO --bad version, unknown VM, offset not held, not serving (REDIRECT)--> CLOSED
 * AWAITING_HELLO --HELLO while this host takes the VM over, or holds its in-sync backup--> HELD --serving--> STREAMING
 * HELD --takeover failed here, or not done within the hold (REDIRECT)--> CLOSED
 * </pre>
 *
 * <p><b>Output</b> is read from the backend only while the channel is writable, so a slow client holds at most the
 * write-buffer high-water mark plus one chunk in this host's memory; a client that falls so far behind that its next
 * byte leaves the backend's history is closed with ERROR OFFSET_NOT_HELD (it may reconnect from the oldest offset).
 *
 * <p><b>Access</b>: a client must prove itself ({@link ConsoleAuth}) before anything else is looked at. It attaches
 * read-only unless it asks for the VM's write lease, which one connection holds at a time: a second writer is
 * refused (WRITE_LEASE_HELD, naming the holder) unless it takes the lease over, and the holder then gets
 * WRITE_LEASE_LOST. A client reconnecting under the holder's name keeps the lease (its old connection may linger). INPUT from a connection without the lease is refused (READ_ONLY / WRITE_LEASE_LOST).
 *
 * <p><b>Input</b>: each connection's INPUT frames must be contiguous, starting at WELCOME's {@code inputNext}. Each
 * frame is offered to the backend under the VM's input lock. Bytes below the connection's <i>fresh mark</i> (what the
 * backend had accepted at WELCOME, raised by this connection's own accepted bytes) are resends and are skipped as
 * duplicates; a fresh byte landing on an offset that another connection filled meanwhile is a conflict (ERROR
 * INPUT_CONFLICT) rather than a silent loss. When the backend accepts only a prefix, the rest is held here, reading
 * from the socket pauses (TCP backpressure), and the rest is offered again on the next backend change or after
 * {@link ConsoleServerConfig#inputRetry()}.
 */
public final class ConsoleServerHandler extends SimpleChannelInboundHandler<FromClient> {
    enum State {
        AWAITING_HELLO, HELD, STREAMING, CLOSED
    }

    private final ConsoleServer server;
    private final ConsoleServerConfig config;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Runnable listener = this::schedulePump;
    private final ArrayDeque<Input> queuedInput = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_HELLO;
    private ConsoleServer.VmConsole vm;
    private long outputNext;
    private long lastAckSent;
    private long inputNext;
    private long freshMark;
    private Input heldInput;
    private ScheduledFuture<?> inputRetry;
    /** This connection holds (or held) the VM's write lease. */
    private boolean writing;
    /** The client speaks STANDBY; the last standby hint it was sent. */
    private boolean standbys;
    private String standbySent = "";
    /** The HELLO held while this host takes the VM over (state HELD). */
    private HelloHold held;
    private boolean standbyWaited;

    ConsoleServerHandler(ConsoleServer server) {
        this.server = server;
        this.config = server.config();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        server.opened(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        state = State.CLOSED;
        if (held != null) {
            held.release();
        }
        if (vm != null) {
            vm.backend.removeListener(listener);
            vm.connections.remove(this);
            releaseLease();
        }
        if (inputRetry != null) {
            inputRetry.cancel(false);
        }
        server.closedConnection(this);
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FromClient m) throws ConsoleException {
        if (state == State.CLOSED) {
            return; // closing: nothing after a violation or a goodbye is processed
        }
        if (m instanceof Hello h) {
            onHello(h);
        } else if (m instanceof Input in) {
            onInput(in);
        } else if (m instanceof Bye b) {
            state = State.CLOSED;
            ConsoleFraming.closeWith(ctx, server.stats(), "client said goodbye: " + b.reason());
        } else {
            throw ConsoleCodec.violation("unexpected " + m.getClass().getSimpleName() + " from a client");
        }
    }

    private void onHello(Hello h) throws ConsoleException {
        if (state != State.AWAITING_HELLO) {
            throw ConsoleCodec.violation("a second HELLO on one connection");
        }
        if (h.version() < ConsoleCodec.MIN_VERSION || h.version() > ConsoleCodec.VERSION) {
            refuse(new ConsoleException(ConsoleError.UNSUPPORTED_VERSION, "protocol version " + h.version()
                    + " not supported; this server speaks " + ConsoleCodec.MIN_VERSION + ".." + ConsoleCodec.VERSION));
            return;
        }
        // Nothing about this host's VMs before the client proved itself.
        String refusal = server.auth().refusal(ctx.channel(), h.credential());
        if (refusal != null) {
            server.auth().refused(ctx.channel(), refusal);
            refuse(new ConsoleException(ConsoleError.UNAUTHENTICATED, refusal));
            return;
        }
        ConsoleServer.VmConsole found = server.lookup(h.vmId());
        if (found == null) {
            refuse(new ConsoleException(ConsoleError.UNKNOWN_VM, "no console for VM " + h.vmId() + " on this host"));
            return;
        }
        admit(h, found);
    }

    /** Answers a proven client's HELLO for {@code found}: WELCOME, a refusal, a redirect, or a hold. */
    private void admit(Hello h, ConsoleServer.VmConsole found) {
        ConsoleBackend backend = found.backend;
        ServingState serving = backend.servingState();
        if (serving instanceof ServingState.Arriving
                || serving instanceof ServingState.NotServing ns && ns.standbyHere() && !standbyWaited) {
            hold(h, found);
            return;
        }
        if (serving instanceof ServingState.Lost lost) {
            refuse(new ConsoleException(ConsoleError.VM_LOST, "VM " + h.vmId() + " lost: " + lost.reason()));
            return;
        }
        if (serving instanceof ServingState.NotServing ns) {
            state = State.CLOSED;
            ConsoleFraming.sendAndClose(ctx, server.stats(),
                    new ConsoleMessage.Redirect(ns.hint().orElse(""), ns.reason()),
                    "redirected: " + ns.reason() + ns.hint().map(x -> " (primary at " + x + ")").orElse(""));
            return;
        }
        long historyStart = backend.historyStart();
        long outputEnd = backend.outputEnd();
        long from = h.outputFrom() == ConsoleMessage.FROM_OLDEST ? historyStart
                : h.outputFrom() == ConsoleMessage.FROM_END ? outputEnd : h.outputFrom();
        if (from < historyStart) {
            refuse(new ConsoleException(ConsoleError.OFFSET_NOT_HELD, historyStart, "output offset " + from
                    + " is no longer held; the oldest offset held is " + historyStart));
            return;
        }
        if (from > outputEnd) {
            refuse(new ConsoleException(ConsoleError.OFFSET_AHEAD, outputEnd, "output offset " + from
                    + " is past this host's output end " + outputEnd));
            return;
        }
        long acked;
        found.inputLock.lock();
        try {
            long accepted = backend.inputAccepted();
            acked = backend.inputAcked();
            if (h.inputFrom() > accepted) {
                refuse(new ConsoleException(ConsoleError.INPUT_GAP, accepted, "the client's unacknowledged input"
                        + " starts at " + h.inputFrom() + " but this host accepted input only up to " + accepted));
                return;
            }
            inputNext = h.inputFrom() == ConsoleMessage.NO_INPUT ? accepted : Math.max(h.inputFrom(), acked);
            freshMark = accepted;
            if (h.access().writes()) {
                String name = h.clientName().isEmpty() ? String.valueOf(ctx.channel().remoteAddress())
                        : h.clientName();
                String leaseHeld = found.takeLease(this, name, !h.clientName().isEmpty(),
                        h.access() == ConsoleAccess.TAKE_OVER);
                if (leaseHeld != null) {
                    refuse(new ConsoleException(ConsoleError.WRITE_LEASE_HELD, leaseHeld));
                    return;
                }
                writing = true;
            }
        } finally {
            found.inputLock.unlock();
        }
        vm = found;
        vm.connections.add(this);
        if (vm.detached) {
            refuse(new ConsoleException(ConsoleError.UNKNOWN_VM, "console for VM " + h.vmId() + " detached"));
            return;
        }
        state = State.STREAMING;
        outputNext = from;
        lastAckSent = acked;
        backend.addListener(listener);
        standbys = h.version() >= ConsoleCodec.STANDBY_VERSION;
        ctx.writeAndFlush(new ConsoleMessage.Welcome(h.version(), historyStart, outputEnd, from, acked,
                inputNext), ctx.voidPromise());
        pump();
    }

    /** Holds {@code h} until this host serves the VM, its takeover fails, or {@link ConsoleServerConfig#helloHold}. */
    private void hold(Hello h, ConsoleServer.VmConsole found) {
        state = State.HELD;
        held = new HelloHold(ctx, h, found, config.helloHold(), config.standbyHold(), this::resumeHeld);
    }

    /** Answers the held HELLO once this host no longer takes the VM over, or ({@code timedOut}) sends it on. */
    private void resumeHeld(boolean timedOut) {
        if (state != State.HELD) {
            return;
        }
        HelloHold hold = held;
        ServingState serving = hold.vm().backend.servingState();
        if (!timedOut && (serving instanceof ServingState.Arriving
                || serving instanceof ServingState.NotServing ns && ns.standbyHere() && hold.standbyHoldOn())) {
            return;
        }
        hold.release();
        if (serving instanceof ServingState.Arriving a) {
            state = State.CLOSED;
            ConsoleFraming.sendAndClose(ctx, server.stats(), new ConsoleMessage.Redirect("", "this host did not "
                    + "take the VM over within " + config.helloHold().toMillis() + " ms (" + a.reason() + ")"),
                    "redirected: takeover here not done within the hold");
            return;
        }
        state = State.AWAITING_HELLO;
        held = null;
        standbyWaited = true; // a standby host's takeover is waited for once
        admit(hold.hello(), hold.vm());
    }

    private void refuse(ConsoleException e) {
        state = State.CLOSED;
        ConsoleFraming.sendAndClose(ctx, server.stats(), new ConsoleMessage.Error(e.code(), e.offset(),
                e.getMessage()), e.code() + ": " + e.getMessage());
    }

    private void onInput(Input in) throws ConsoleException {
        if (state != State.STREAMING) {
            throw ConsoleCodec.violation("INPUT before WELCOME");
        }
        if (!writing) {
            refuse(new ConsoleException(ConsoleError.READ_ONLY, "this connection is attached read-only: typing "
                    + "needs the write lease"));
            return;
        }
        if (vm.writer != this) {
            refuse(new ConsoleException(ConsoleError.WRITE_LEASE_LOST, "the write lease was taken over by "
                    + vm.writerName));
            return;
        }
        if (in.offset() != inputNext) {
            throw ConsoleCodec.violation("INPUT at offset " + in.offset() + ", expected " + inputNext
                    + " (input on a connection must be contiguous)");
        }
        inputNext = in.end();
        if (heldInput != null || !queuedInput.isEmpty()) {
            queuedInput.add(in); // already read before reading paused: bounded by one socket read
            return;
        }
        offer(in);
    }

    /**
     * Ends this connection when the host no longer serves the VM: the client is sent where the primary is now (the
     * role moved on: a switchover, fencing), or told the VM is lost. True when it ended.
     */
    private boolean endUnlessServed() {
        ServingState serving = vm.backend.servingState();
        if (serving instanceof ServingState.Lost lost) {
            refuse(new ConsoleException(ConsoleError.VM_LOST, "the VM is lost: " + lost.reason()));
            return true;
        }
        if (serving instanceof ServingState.NotServing ns) {
            end(ns.hint().orElse(""), "this host no longer serves the VM: " + ns.reason());
            return true;
        }
        return false;
    }

    /** Offers {@code in} to the backend; holds what it does not take and pauses reading. */
    private void offer(Input in) throws ConsoleException {
        if (endUnlessServed()) {
            return; // the input stays undelivered here: the client resends it to the primary by offset
        }
        long after;
        vm.inputLock.lock();
        try {
            if (vm.writer != this) {
                // checked under the lock a take-over holds: no byte of a former writer lands after it
                throw new ConsoleException(ConsoleError.WRITE_LEASE_LOST, "the write lease was taken over by "
                        + vm.writerName);
            }
            long before = vm.backend.inputAccepted();
            long conflictFrom = Math.max(in.offset(), freshMark);
            long conflictTo = Math.min(in.end(), before);
            if (conflictFrom < conflictTo) {
                throw new ConsoleException(ConsoleError.INPUT_CONFLICT, conflictFrom, "input offsets ["
                        + conflictFrom + ", " + conflictTo + ") were filled by another writer first; this"
                        + " connection's bytes from offset " + conflictFrom + " were not delivered");
            }
            after = vm.backend.offerInput(in.offset(), in.bytes());
            freshMark = Math.max(freshMark, after);
        } finally {
            vm.inputLock.unlock();
        }
        if (after >= in.end()) {
            return;
        }
        int taken = (int) Math.max(0, after - in.offset());
        heldInput = new Input(in.offset() + taken, Arrays.copyOfRange(in.bytes(), taken, in.bytes().length));
        ctx.channel().config().setAutoRead(false);
        if (inputRetry == null || inputRetry.isDone()) {
            inputRetry = ctx.executor().schedule(this::retryInput, config.inputRetry().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void retryInput() {
        if (state != State.STREAMING) {
            return;
        }
        try {
            while (heldInput != null || !queuedInput.isEmpty()) {
                Input next = heldInput != null ? heldInput : queuedInput.poll();
                heldInput = null;
                offer(next);
                if (heldInput != null) {
                    return; // still full: retried on the next change or timer
                }
            }
        } catch (ConsoleException | RuntimeException e) {
            fail(e);
            return;
        }
        Channel ch = ctx.channel();
        if (!ch.config().isAutoRead()) {
            ch.config().setAutoRead(true);
            ch.read();
        }
    }

    private void schedulePump() {
        if (pumpScheduled.compareAndSet(false, true)) {
            try {
                ctx.executor().execute(() -> {
                    pumpScheduled.set(false);
                    pump();
                });
            } catch (RejectedExecutionException e) {
                pumpScheduled.set(false); // shutting down: the channel is being closed
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            pump();
        }
        super.channelWritabilityChanged(ctx);
    }

    private void fail(Exception e) {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            ctx.fireExceptionCaught(e);
        }
    }

    /** Sends what the backend has for this client, as far as the channel is writable. */
    private void pump() {
        try {
            pumpOnce();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void pumpOnce() {
        if (state != State.STREAMING) {
            return;
        }
        ConsoleBackend backend = vm.backend;
        if (heldInput != null) {
            retryInput();
            if (state != State.STREAMING) {
                return;
            }
        }
        if (endUnlessServed()) {
            return;
        }
        Channel ch = ctx.channel();
        if (!ch.isWritable()) {
            return;
        }
        String standby = backend.standby();
        if (standbys && !standby.equals(standbySent)) {
            standbySent = standby;
            ctx.write(new ConsoleMessage.Standby(standby), ctx.voidPromise());
        }
        long acked = backend.inputAcked();
        if (acked > lastAckSent) {
            lastAckSent = acked;
            ctx.write(new ConsoleMessage.InputAck(acked), ctx.voidPromise());
        }
        while (ch.isWritable()) {
            long end = backend.outputEnd();
            if (outputNext >= end) {
                break;
            }
            int n = (int) Math.min(config.outputChunkBytes(), end - outputNext);
            byte[] buf = new byte[n];
            int got = outputNext >= backend.historyStart() ? backend.readOutput(outputNext, buf, 0, n) : -1;
            long historyStart = backend.historyStart();
            if (outputNext < historyStart) { // checked after the copy too: the bytes may have been overwritten
                ctx.flush();
                state = State.CLOSED;
                ConsoleFraming.sendAndClose(ctx, server.stats(), new ConsoleMessage.Error(
                        ConsoleError.OFFSET_NOT_HELD, historyStart, "output from offset " + outputNext
                        + " left the history before this client read it; the oldest offset held is " + historyStart),
                        "slow reader fell out of the history at offset " + outputNext);
                return;
            }
            if (got <= 0) {
                break;
            }
            ctx.write(new ConsoleMessage.Output(outputNext, got == n ? buf : Arrays.copyOf(buf, got)),
                    ctx.voidPromise());
            outputNext += got;
        }
        ctx.flush();
    }

    /** Gives up the write lease if this connection holds it. */
    private void releaseLease() {
        if (writing) {
            vm.releaseLease(this);
        }
    }

    /** Another client took the write lease over (any thread): this connection ends with WRITE_LEASE_LOST. */
    void leaseLost(String by) {
        try {
            ctx.executor().execute(() -> {
                if (state != State.CLOSED) {
                    refuse(new ConsoleException(ConsoleError.WRITE_LEASE_LOST, "the write lease was taken over by "
                            + by));
                }
            });
        } catch (RejectedExecutionException e) {
            ctx.channel().close();
        }
    }

    /** Ends this connection from any thread with BYE (detach, shutdown, role change). */
    void end(String hint, String reason) {
        try {
            ctx.executor().execute(() -> {
                if (state == State.CLOSED) {
                    return;
                }
                state = State.CLOSED;
                ConsoleFraming.sendAndClose(ctx, server.stats(), new ConsoleMessage.Bye(hint, reason), reason);
            });
        } catch (RejectedExecutionException e) {
            ctx.channel().close(); // the event loop is shutting down and closes the channel anyway
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        state = State.CLOSED;
        ctx.fireExceptionCaught(cause);
    }
}
