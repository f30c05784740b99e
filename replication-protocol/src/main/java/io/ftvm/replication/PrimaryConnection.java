package io.ftvm.replication;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's connection to its backup: answers the backup's challenge with a signed handshake, checks the
 * backup's signed handshake ({@link PairTrust}: the pair's host, key, certificate and record), resumes the {@link SenderLog} at the backup's resume point,
 * or, when the sender no longer holds it, sends the backup a snapshot from the {@link OutgoingSnapshot.Provider}
 * (resuming a transfer that a broken connection interrupted) and then the log from the snapshot's position. Sends
 * batches when {@link #flush()} is called and applies ACKs.
 *
 * <p>Batches go out in bounded steps ({@link #MAX_SEND_BYTES} per step, and only while the channel is writable); the
 * rest stays in the {@link SenderLog}. The next step is taken when an ACK arrives, when the channel becomes writable
 * again, or when the VM's thread flushes: whatever was written is ACKed, so sending is clocked by the backup and never
 * waits for another append. The sender log's budget (tens of MiB) is far larger than one step: handing it all to the
 * channel at once made one event-loop task encode and, with TLS, encrypt the whole budget before a byte reached the
 * socket, starving heartbeats and ACK reads for seconds on a loaded machine, until the backup dropped the connection
 * as silent (and a caller without reconnect logic, like the benchmark, waited forever).
 *
 * <p>A backup that answers heartbeats but ACKs nothing for longer than the peer timeout while entries are outstanding
 * is dropped too ({@link LogProgress}): the reason is kept, logged and counted ({@link Framing.Stats#stalledStreams()}),
 * and the caller reconnects and resumes.
 */
public final class PrimaryConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryConnection.class);
    /**
     * Most log bytes (payload plus {@link SenderLog#ENTRY_OVERHEAD} per entry) one step hands to the channel (at
     * least one entry; batches are cut to fit): bounds the event loop's work per task, TLS encryption included, so
     * that heartbeats, ACKs and timers are handled in between even on a loaded machine. Measured there: with a cold
     * JIT, JDK TLS encrypted 512 KiB in 2.5 s on a core shared with CPU hogs, longer than the peer timeout; at
     * 256 KiB such a step takes about a second, and smaller steps cost throughput (an ACK and a flush each).
     */
    static final int MAX_SEND_BYTES = 256 << 10;

    /** Where this connection is in the protocol. */
    public enum State {
        HANDSHAKING, PREPARING_SNAPSHOT, SNAPSHOT_OFFERED, SENDING_SNAPSHOT, STREAMING, CLOSED
    }

    private final EventLoopGroup group = Transports.group();
    private final SenderLog sender;
    private final PeerIdentity identity;
    private final ConnectionSettings settings;
    private final OutgoingSnapshot.Provider snapshots;
    private final Framing.Stats stats;
    /** Set as soon as the channel exists (the backup's handshake can arrive before the constructor returns). */
    private volatile Channel channel;
    private volatile State state = State.HANDSHAKING;
    private volatile boolean snapshotNeeded;
    private volatile long snapshotResumedAt = -1;
    private volatile String closeReason;
    private volatile long rttNanos = -1;
    /** Whether the log moves on this connection (event loop only). */
    private final LogProgress progress;
    /** True while a flush task from another thread is queued on the event loop (one is enough). */
    private final AtomicBoolean sendQueued = new AtomicBoolean();
    /** True inside {@link #sendPending()} (event loop only): a writability change raised by its own flush is ignored. */
    private boolean sending;

    /** Connects with default settings and no snapshot provider. */
    public PrimaryConnection(InetSocketAddress backup, PeerIdentity identity, SenderLog sender, int maxFrame)
            throws InterruptedException {
        this(backup, identity, sender, ConnectionSettings.defaults().withMaxFrame(maxFrame), null);
    }

    /**
     * Connects to a backup. {@code snapshots} may be null: a backup that cannot resume from the log is then told
     * that it needs a snapshot, and the connection ends.
     *
     * @throws InterruptedException if interrupted while connecting
     * @throws ConnectFailedException when the backup cannot be reached
     */
    public PrimaryConnection(InetSocketAddress backup, PeerIdentity identity, SenderLog sender,
            ConnectionSettings settings, OutgoingSnapshot.Provider snapshots) throws InterruptedException {
        this.sender = sender;
        this.identity = identity;
        this.settings = settings;
        this.stats = new Framing.Stats(settings.hostStats());
        this.snapshots = snapshots;
        this.progress = new LogProgress(settings.peerTimeout(), System::nanoTime);
        try {
            SslContext ssl = settings.tls() == null ? null : settings.tls().clientContext();
            ChannelFuture f = new Bootstrap().group(group).channel(Transports.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channel = ch;
                            Framing.install(ch.pipeline(), settings.maxFrame(), Framing.Reads.FROM_BACKUP, stats,
                                    ssl, true);
                            ch.pipeline().addBefore("protocol-guard", "primary-handler", new Handler());
                        }
                    }).connect(backup).sync();
            f.channel().closeFuture().addListener(x -> {
                state = State.CLOSED;
                String why = closeReason();
                LOG.info("replication connection to {} closed{}", backup, why == null ? "" : ": " + why);
            });
        } catch (InterruptedException | RuntimeException | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        } catch (Exception e) { // Netty's sync() rethrows checked causes (ConnectException) undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ConnectFailedException("cannot connect to backup " + backup + ": " + e.getMessage(), e);
        }
    }

    /** True once the backup's handshake was accepted, any snapshot sent, and the log streams. */
    public boolean ready() {
        return state == State.STREAMING;
    }

    public State state() {
        return state;
    }

    /** True when the backup asked for entries this sender no longer holds and no snapshot could be sent. */
    public boolean snapshotNeeded() {
        return snapshotNeeded;
    }

    /** Where the backup resumed the last snapshot transfer (0 = from the start), or -1 when none was sent. */
    public long snapshotResumedAt() {
        return snapshotResumedAt;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Why the connection closed (a protocol violation, a silent peer, a refused peer), or null. */
    public String closeReason() {
        String r = closeReason;
        return r != null ? r : channel.attr(CloseReason.KEY).get();
    }

    public Framing.Stats stats() {
        return stats;
    }

    /** The last heartbeat round trip in nanoseconds, or -1 before the first. */
    public long heartbeatRttNanos() {
        return rttNanos;
    }

    /**
     * Sends what was appended and not yet sent (on the event loop), as far as the channel accepts it; the rest follows
     * as the channel drains.
     */
    public void flush() {
        Channel ch = channel;
        if (closed.get() || !ch.isActive()) {
            return; // nothing to send on: the entries stay in the sender log for the next connection
        }
        if (ch.eventLoop().inEventLoop()) {
            sendPending();
            return;
        }
        if (!sendQueued.compareAndSet(false, true)) {
            return; // the queued task has not started: it sends what was appended before this call too
        }
        try {
            ch.eventLoop().execute(() -> {
                sendQueued.set(false);
                sendPending();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            sendQueued.set(false); // closed concurrently: same as above
        }
    }

    /**
     * Tells the backup to take over (a planned switchover): the VM is paused and the backup has acknowledged the log
     * through {@code lastSequence}, the entry at {@code icount}. The backup checks that this is exactly where its log
     * ends.
     *
     * @return false when the connection is not streaming (nothing was sent)
     */
    public boolean handOver(long lastSequence, long icount) {
        Channel ch = channel;
        if (closed.get() || !ch.isActive() || state != State.STREAMING) {
            return false;
        }
        ch.writeAndFlush(new Messages.HandOver(lastSequence, icount), ch.voidPromise());
        return true;
    }

    /**
     * One step: writes batches while the channel is writable, up to {@link #MAX_SEND_BYTES}, and flushes them. What is
     * left waits in the sender log for the next step: the ACK of what this step wrote, the channel becoming writable
     * again, or the next {@link #flush()}. Event loop only.
     */
    private void sendPending() {
        Channel ch = channel;
        if (sending || state != State.STREAMING || !ch.isActive()) {
            return; // sending: called back from this step's own flush; its ACKs take the next step
        }
        sending = true;
        try {
            long room = MAX_SEND_BYTES;
            boolean wrote = false;
            while (room > 0 && ch.isWritable()) {
                Optional<Messages.LogBatch> b = sender.nextBatch(settings.batchEntries(), room);
                if (b.isEmpty()) {
                    break;
                }
                Messages.LogBatch batch = b.get();
                for (Messages.Entry e : batch.entries()) {
                    room -= e.payloadLength() + SenderLog.ENTRY_OVERHEAD;
                }
                progress.sent(batch.firstSequence() + batch.entries().size() - 1);
                ch.write(batch, ch.voidPromise());
                wrote = true;
            }
            if (wrote) {
                ch.flush();
            }
        } finally {
            sending = false;
        }
    }

    /** Bytes written to the channel and not yet on the socket (TLS's unencrypted queue included), for tests. */
    long pendingOutboundBytes() {
        Channel ch = channel;
        io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /**
     * Records the reason like {@link #fail} and tells the backup; {@link Heartbeats} closes the channel once the
     * goodbye is written (or after a bound: one stuck behind queued log data is then lost, and the backup sees a
     * broken connection).
     */
    private io.netty.channel.ChannelFuture sayGoodbye(ChannelHandlerContext ctx, String reason) {
        if (closeReason == null) {
            closeReason = reason;
            stats.closedBecause(reason);
            LOG.warn("replication connection {}: {}", ctx.channel().remoteAddress(), reason);
        }
        return ctx.writeAndFlush(new Messages.Goodbye("the primary drops this connection: " + reason));
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (closeReason == null) {
            closeReason = reason;
            stats.closedBecause(reason);
            LOG.warn("replication connection {}: {}", ctx.channel().remoteAddress(), reason);
        }
        ctx.close();
    }

    private final class Handler extends SimpleChannelInboundHandler<Messages.FromBackup> {
        private final Liveness liveness = settings.newLiveness(System::nanoTime);
        private OutgoingSnapshot offered;
        private SnapshotSender transfer;
        private boolean violated;

        /** The backup's challenge (null until it arrived) and this end's nonce. */
        private byte[] challenge;
        private final byte[] ownNonce = PairTrust.nonce();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // The backup speaks first (its challenge); this end's handshake answers it.
            // Dropping a live backup, this end says so first: the backup then waits for a reconnection (or for this
            // primary to give it up in the record) instead of taking the closed connection for this primary's death.
            Heartbeats.afterTls(ctx, liveness, () -> Heartbeats.schedule(ctx, liveness, progress,
                    reason -> sayGoodbye(ctx, reason), stats::countStall));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Messages.FromBackup m) throws ProtocolException {
            if (violated) {
                return; // the connection is closing: nothing after a violation is processed
            }
            liveness.messageReceived();
            if (m instanceof Messages.Heartbeat h) {
                liveness.onHeartbeat(h);
                rttNanos = liveness.rttNanos();
                return;
            }
            if (m instanceof Messages.Goodbye g) {
                fail(ctx, "backup said goodbye: " + g.reason());
                return;
            }
            switch (state) {
                case HANDSHAKING -> {
                    if (challenge == null) {
                        if (!(m instanceof Messages.Challenge c)) {
                            throw new ProtocolException("expected the backup's challenge first, got "
                                    + m.getClass().getSimpleName());
                        }
                        challenge = c.nonce();
                        ctx.writeAndFlush(identity.handshake(Messages.Role.PRIMARY, 0, challenge, ownNonce));
                        return;
                    }
                    if (!(m instanceof Messages.Handshake h)) {
                        throw new ProtocolException("expected the backup's handshake, got "
                                + m.getClass().getSimpleName());
                    }
                    if (!java.security.MessageDigest.isEqual(h.nonce(), challenge)) {
                        throw new HandshakeRefusedException("the backup's handshake does not carry its challenge");
                    }
                    identity.check(h, Messages.Role.BACKUP, ownNonce, PeerCertificates.names(ctx.channel()));
                    onBackupHandshake(ctx, h);
                }
                case SNAPSHOT_OFFERED -> {
                    if (!(m instanceof Messages.SnapshotResume r)) {
                        throw new ProtocolException("expected the backup's snapshot resume point, got "
                                + m.getClass().getSimpleName());
                    }
                    startTransfer(ctx, r);
                }
                case STREAMING -> {
                    if (!(m instanceof Messages.Ack a)) {
                        throw new ProtocolException(m.getClass().getSimpleName() + " not allowed while streaming");
                    }
                    sender.onAck(a);
                    progress.acked(a.sequence());
                    sendPending(); // the backup made room: the next step (sending is clocked by ACKs)
                }
                default -> throw new ProtocolException(m.getClass().getSimpleName() + " not allowed while " + state);
            }
        }

        private void onBackupHandshake(ChannelHandlerContext ctx, Messages.Handshake h) {
            if (sender.resumeFrom(h.resumeFrom())) {
                LOG.info("backup {} resumes the log at sequence {}", ctx.channel().remoteAddress(), h.resumeFrom());
                progress.start(h.resumeFrom());
                state = State.STREAMING;
                sendPending();
                return;
            }
            if (snapshots == null) {
                snapshotNeeded = true;
                String reason = "backup needs sequence " + h.resumeFrom() + ", no longer held: snapshot needed";
                closeReason = reason;
                ctx.writeAndFlush(new Messages.Goodbye(reason)).addListener(f -> ctx.close());
                return;
            }
            state = State.PREPARING_SNAPSHOT;
            snapshots.snapshotFor(h.resumeFrom()).whenComplete((snap, err) -> ctx.executor().execute(() -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (err != null) {
                    fail(ctx, "no snapshot for the backup: " + err);
                } else if (!sender.resumeFrom(snap.nextSequence())) {
                    fail(ctx, "snapshot " + snap.id() + " continues at sequence " + snap.nextSequence()
                            + ", which the sender no longer holds");
                } else {
                    progress.start(snap.nextSequence());
                    offered = snap;
                    state = State.SNAPSHOT_OFFERED;
                    LOG.info("offering snapshot {} ({} bytes) to backup {}", snap.id(), snap.size(),
                            ctx.channel().remoteAddress());
                    ctx.writeAndFlush(snap.offer());
                }
            }));
        }

        private void startTransfer(ChannelHandlerContext ctx, Messages.SnapshotResume r) throws ProtocolException {
            try {
                transfer = new SnapshotSender(offered, r);
            } catch (IOException e) {
                fail(ctx, "cannot read snapshot " + offered.id() + ": " + e.getMessage());
                return;
            }
            snapshotResumedAt = r.offset();
            state = State.SENDING_SNAPSHOT;
            pump(ctx);
        }

        /** What a backup may take to check and install a snapshot of {@code bytes}: 1 s per 32 MiB (a slow disk). */
        private static Duration installAllowance(long bytes) {
            return Duration.ofMillis(bytes / (32 << 10));
        }

        /** Sends chunks while the channel accepts them; the rest when it becomes writable again. */
        private void pump(ChannelHandlerContext ctx) {
            try {
                while (ctx.channel().isWritable() && !transfer.done()) {
                    ctx.write(transfer.next(), ctx.voidPromise());
                }
                if (transfer.done()) {
                    ctx.write(transfer.completion(), ctx.voidPromise());
                    transfer.close();
                    // the backup verifies and installs it before it ACKs the log that follows
                    progress.allowOnce(installAllowance(offered.size()));
                    LOG.info("snapshot {} sent (resumed at byte {})", offered.id(), transfer.resumedAt());
                    state = State.STREAMING;
                    sendPending();
                }
                ctx.flush();
            } catch (IOException e) {
                fail(ctx, "cannot read snapshot " + offered.id() + ": " + e.getMessage());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                if (state == State.SENDING_SNAPSHOT) {
                    pump(ctx);
                } else if (state == State.STREAMING) {
                    sendPending(); // what the last call left in the sender log because the channel was full
                }
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (transfer != null) {
                transfer.close();
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (violated) {
                return;
            }
            violated = true;
            ctx.fireExceptionCaught(cause);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Closes the connection(s) and the event loop; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
