package io.ftvm.replication;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's listening end of the log stream: accepts primaries' connections, answers each handshake with the
 * resume point, feeds batches to a {@link ReceiverLog} and ACKs each on receipt, and stores offered snapshots in a
 * {@link SnapshotReceiver}. Each connection starts with this end's challenge; a primary must prove itself
 * ({@link PairTrust}) before this end says anything else. One connection delivers at a time: a primary whose
 * handshake is accepted supersedes the previous connection, which is closed. A protocol violation closes the
 * connection (reason logged and counted in {@link Framing.Stats}); the receiver's log is untouched by the bad message.
 */
public final class BackupEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupEndpoint.class);

    /** Default heartbeat interval and peer timeout. */
    public static final Duration HEARTBEAT_INTERVAL = ConnectionSettings.HEARTBEAT_INTERVAL;
    public static final Duration PEER_TIMEOUT = ConnectionSettings.PEER_TIMEOUT;

    private final EventLoopGroup group = Transports.group();
    /** Checks and installs received snapshots, one at a time, off the event loop. */
    private final java.util.concurrent.ExecutorService installer = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "snapshot-install");
                t.setDaemon(true);
                return t;
            });
    private final ReceiverLog receiver;
    private final SnapshotReceiver snapshots;
    private final ConnectionSettings settings;
    private final Framing.Stats stats;
    private final Channel server;
    /** The connection allowed to deliver (guarded by {@code receiver}). */
    private Channel active;
    private volatile Close lastClose = Close.NONE;
    /** Connections that have not proven themselves yet, per remote address and in all (see {@link #admit}). */
    private final java.util.concurrent.ConcurrentMap<java.net.InetAddress, Integer> unprovenByAddress =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger unproven = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * At most this many connections from one address may be waiting to prove themselves (a primary needs one; a
     * reconnecting one briefly two), and this many in all: beyond, a new connection is closed at once and counted,
     * so strangers cannot hold sockets and handshake state without limit (each waits at most the peer timeout).
     */
    static final int MAX_UNPROVEN_PER_ADDRESS = 4;
    static final int MAX_UNPROVEN = 64;

    /** Listens on {@code address} (use port 0 for an ephemeral port), with the default settings. */
    public BackupEndpoint(InetSocketAddress address, ReceiverLog receiver, int maxFrame) throws InterruptedException {
        this(address, receiver, ConnectionSettings.defaults().withMaxFrame(maxFrame), null);
    }

    /**
     * Listens on {@code address}. {@code snapshots} may be null: this backup then refuses snapshot offers.
     *
     * @throws TlsConfig.TlsConfigException when the TLS files are unusable
     */
    public BackupEndpoint(InetSocketAddress address, ReceiverLog receiver, ConnectionSettings settings,
            SnapshotReceiver snapshots) throws InterruptedException {
        this.receiver = receiver;
        this.snapshots = snapshots;
        this.settings = settings;
        this.stats = new Framing.Stats(settings.hostStats());
        try {
            SslContext ssl = settings.tls() == null ? null : settings.tls().serverContext();
            this.server = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (!admit(ch)) {
                                return;
                            }
                            Framing.install(ch.pipeline(), settings.maxFrame(), Framing.Reads.FROM_PRIMARY, stats,
                                    ssl, false);
                            ch.pipeline().addBefore("protocol-guard", "backup-handler", new Handler());
                            ch.closeFuture().addListener(f -> onClosed(ch));
                        }
                    }).bind(address).sync().channel();
        } catch (InterruptedException | RuntimeException | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        } catch (Exception e) { // Netty's sync() rethrows checked causes (BindException) undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ConnectFailedException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public Framing.Stats stats() {
        return stats;
    }

    /** Why the last connection was closed (a violation, a silent or superseded peer, a goodbye), or null. */
    public String lastCloseReason() {
        return stats.lastCloseReason();
    }

    /** How the last delivering connection ended, as far as it tells whether its primary lives. */
    public enum Close {
        /** No delivering connection has ended since the last one was accepted. */
        NONE,
        /** The primary went silent: the failure detector already waited as long as the link's jitter warrants. */
        SILENCE,
        /**
         * The primary said goodbye: it was alive a moment ago and dropped this connection itself (it thought this
         * backup silent, or stalled); it reconnects, or gives this backup up in the record.
         */
        GOODBYE,
        /** Reset, closed, or failed: the primary may be dead or may reconnect at once. */
        BROKEN
    }

    /** How the last delivering connection ended. */
    public Close lastClose() {
        return lastClose;
    }

    /** True while a primary's connection is accepted and delivering. */
    public boolean connected() {
        synchronized (receiver) {
            return active != null && active.isActive();
        }
    }

    /**
     * Takes {@code ch} as an unproven connection unless its address (or the endpoint) is at its limit, in which case
     * it is closed and counted. A connection taken is released once, when it proves itself or closes.
     */
    private boolean admit(SocketChannel ch) {
        java.net.InetAddress from = ch.remoteAddress().getAddress();
        int[] mine = new int[1];
        unprovenByAddress.compute(from, (a, n) -> {
            mine[0] = n == null ? 1 : n + 1;
            return mine[0];
        });
        int all = unproven.incrementAndGet();
        if (mine[0] <= MAX_UNPROVEN_PER_ADDRESS && all <= MAX_UNPROVEN) {
            ch.attr(UNPROVEN_FROM).set(from);
            ch.closeFuture().addListener(f -> proven(ch));
            return true;
        }
        release(from);
        stats.countUnprovenOverLimit();
        String reason = "too many unauthenticated connections (" + (mine[0] > MAX_UNPROVEN_PER_ADDRESS
                ? "over " + MAX_UNPROVEN_PER_ADDRESS + " from " + from.getHostAddress()
                : "over " + MAX_UNPROVEN + " in all") + ")";
        ch.attr(CloseReason.KEY).set(reason);
        stats.closedBecause(reason);
        long unlogged = stats.logPermit(System.nanoTime());
        if (unlogged >= 0) {
            LOG.warn("closing replication connection {}: {}{}", ch.remoteAddress(), reason,
                    unlogged == 0 ? "" : " (" + unlogged + " more closes not logged)");
        }
        ch.close();
        return false;
    }

    /** {@code ch} proved itself or closed: it no longer counts as unproven (once). */
    private void proven(Channel ch) {
        java.net.InetAddress from = ch.attr(UNPROVEN_FROM).getAndSet(null);
        if (from != null) {
            release(from);
        }
    }

    private void release(java.net.InetAddress from) {
        unprovenByAddress.computeIfPresent(from, (a, n) -> n <= 1 ? null : n - 1);
        unproven.decrementAndGet();
    }

    /** Set while a connection counts as unproven: the address it counts against. */
    private static final io.netty.util.AttributeKey<java.net.InetAddress> UNPROVEN_FROM =
            io.netty.util.AttributeKey.valueOf("ftvm.unproven-from");

    /** Connections waiting to prove themselves now (for tests and figures). */
    public int unprovenConnections() {
        return unproven.get();
    }

    private void onClosed(Channel ch) {
        String why = ch.attr(CloseReason.KEY).get();
        synchronized (receiver) {
            if (active == ch) {
                if (lastClose == Close.NONE) {
                    lastClose = Close.BROKEN;
                }
                active = null;
            }
        }
        LOG.info("replication connection from {} closed{}", ch.remoteAddress(), why == null ? "" : ": " + why);
    }

    /** The delivering connection {@code ch} ends this way (the first word about it counts). */
    private void closed(Channel ch, Close how) {
        synchronized (receiver) {
            if (active == ch && lastClose == Close.NONE) {
                lastClose = how;
            }
        }
    }

    private void closeWith(Channel ch, String reason) {
        if (ch.attr(CloseReason.KEY).setIfAbsent(reason) == null) {
            stats.closedBecause(reason);
            LOG.warn("closing replication connection {}: {}", ch.remoteAddress(), reason);
        }
        ch.close();
    }

    private final class Handler extends SimpleChannelInboundHandler<Messages.FromPrimary> {
        private final Liveness liveness = settings.newLiveness(System::nanoTime);
        private BackupSession session;
        private boolean violated;
        /** A snapshot is being checked and installed on the installer thread; messages wait in {@link #queued}. */
        private boolean installing;
        private final java.util.ArrayDeque<Messages.FromPrimary> queued = new java.util.ArrayDeque<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // Nothing about this backup before the primary proved itself: only a random challenge.
            session = new BackupSession(receiver, snapshots, () -> PeerCertificates.names(ctx.channel()));
            ctx.writeAndFlush(session.challenge()); // with TLS, sent once the TLS handshake is done
            Heartbeats.afterTls(ctx, liveness, () -> {
                Heartbeats.schedule(ctx, liveness, settings.heartbeatInterval(), reason -> {
                    closed(ctx.channel(), Close.SILENCE);
                    closeWith(ctx.channel(), reason);
                }, () -> session.state() != BackupSession.State.AWAITING_HANDSHAKE);
                // A peer that does not prove itself in time is dropped, whatever else it sends.
                ctx.executor().schedule(() -> {
                    if (ctx.channel().isActive() && session.state() == BackupSession.State.AWAITING_HANDSHAKE) {
                        closeWith(ctx.channel(), "no valid handshake within " + settings.peerTimeout().toMillis()
                                + " ms");
                    }
                }, settings.peerTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Messages.FromPrimary m) throws ProtocolException {
            if (violated) {
                return; // the connection is closing: nothing after a violation is processed
            }
            liveness.messageReceived();
            if (m instanceof Messages.Heartbeat h) {
                liveness.onHeartbeat(h);
            }
            if (m instanceof Messages.Goodbye g) {
                closed(ctx.channel(), Close.GOODBYE);
                closeWith(ctx.channel(), "primary said goodbye: " + g.reason());
                return;
            }
            if (installing) {
                queued.add(m); // in order, after the snapshot being installed (the primary's in-flight bound bounds it)
                return;
            }
            if (m instanceof Messages.SnapshotComplete && session.state() == BackupSession.State.RECEIVING_SNAPSHOT) {
                // Checking and installing a snapshot reads and writes it whole (its disks too): off the event loop,
                // so that heartbeats keep flowing; what arrives meanwhile waits its turn.
                installing = true;
                installer.execute(() -> {
                    Throwable failed = null;
                    try {
                        deliver(ctx, m);
                    } catch (ProtocolException | RuntimeException e) {
                        failed = e;
                    }
                    Throwable f = failed;
                    ctx.executor().execute(() -> {
                        installing = false;
                        if (f != null) {
                            exceptionCaught(ctx, f);
                            return;
                        }
                        while (!installing && !violated && !queued.isEmpty()) {
                            try {
                                handle(ctx, queued.poll());
                            } catch (ProtocolException e) {
                                exceptionCaught(ctx, e);
                                return;
                            }
                        }
                    });
                });
                return;
            }
            handle(ctx, m);
        }

        private void handle(ChannelHandlerContext ctx, Messages.FromPrimary m) throws ProtocolException {
            if (m instanceof Messages.SnapshotComplete && session.state() == BackupSession.State.RECEIVING_SNAPSHOT) {
                channelRead0(ctx, m); // a queued completion is installed off the loop too (the rest queues again)
                return;
            }
            deliver(ctx, m);
        }

        /** Hands one message to the session and sends its reply (any thread; the session is guarded). */
        private void deliver(ChannelHandlerContext ctx, Messages.FromPrimary m) throws ProtocolException {
            Messages.FromBackup reply;
            Channel superseded = null;
            synchronized (receiver) {
                boolean awaiting = session.state() == BackupSession.State.AWAITING_HANDSHAKE;
                if (!awaiting && active != ctx.channel()) {
                    return; // superseded by a newer connection, closing
                }
                try {
                    reply = session.onMessage(m);
                } catch (IOException e) {
                    closeWith(ctx.channel(), "cannot store the snapshot: " + e.getMessage());
                    return;
                }
                if (awaiting && session.state() != BackupSession.State.AWAITING_HANDSHAKE) {
                    proven(ctx.channel());
                    // this connection's primary just proved itself: it is the one that delivers now
                    superseded = active;
                    active = ctx.channel();
                    lastClose = Close.NONE;
                }
            }
            if (superseded != null) {
                closeWith(superseded, "superseded by a newer connection from " + ctx.channel().remoteAddress());
            }
            if (reply != null) {
                ctx.writeAndFlush(reply, ctx.voidPromise());
            }
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
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        installer.shutdownNow();
    }
}
