package io.ftvm.replication;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The backup's listening end of the log stream: accepts a primary's connection, answers its handshake with the
 * resume point, feeds batches to a {@link ReceiverLog} and ACKs each on receipt. A protocol violation closes the
 * connection (reason and counters in {@link Framing.Stats}); the receiver's log is untouched by the bad message.
 */
public final class BackupEndpoint implements AutoCloseable {
    private final EventLoopGroup group = Transports.group();
    private final ReceiverLog receiver;
    private final Framing.Stats stats = new Framing.Stats();
    private final Channel server;
    private volatile String lastCloseReason;

    /** Default heartbeat interval and peer timeout. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    public static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

    private final Duration heartbeatInterval;
    private final Duration peerTimeout;

    /** Listens on {@code address} (use port 0 for an ephemeral port), with the default heartbeat settings. */
    public BackupEndpoint(InetSocketAddress address, ReceiverLog receiver, int maxFrame) throws InterruptedException {
        this(address, receiver, maxFrame, HEARTBEAT_INTERVAL, PEER_TIMEOUT);
    }

    /** Listens on {@code address}; a primary silent for longer than {@code peerTimeout} is disconnected. */
    public BackupEndpoint(InetSocketAddress address, ReceiverLog receiver, int maxFrame, Duration heartbeatInterval,
            Duration peerTimeout) throws InterruptedException {
        new Liveness(heartbeatInterval, peerTimeout, System::nanoTime); // validates the settings
        this.heartbeatInterval = heartbeatInterval;
        this.peerTimeout = peerTimeout;
        this.receiver = receiver;
        this.server = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Framing.install(ch.pipeline(), maxFrame, Framing.Reads.FROM_PRIMARY, stats);
                        ch.pipeline().addBefore("protocol-guard", "backup-handler", new Handler());
                    }
                }).bind(address).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public Framing.Stats stats() {
        return stats;
    }

    /** Why the last connection was closed by a protocol violation, or null. */
    public String lastCloseReason() {
        return lastCloseReason;
    }

    private final class Handler extends SimpleChannelInboundHandler<Messages.FromPrimary> {
        private final Liveness liveness = new Liveness(heartbeatInterval, peerTimeout, System::nanoTime);
        private boolean violated;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            synchronized (receiver) {
                receiver.connectionStarted();
                ctx.writeAndFlush(receiver.handshake());
            }
            Heartbeats.schedule(ctx, liveness, heartbeatInterval, reason -> lastCloseReason = reason);
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
            Messages.Ack ack;
            synchronized (receiver) {
                ack = receiver.onMessage(m);
            }
            if (ack != null) {
                ctx.writeAndFlush(ack);
            }
            if (m instanceof Messages.Goodbye g) {
                lastCloseReason = "primary said goodbye: " + g.reason();
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (violated) {
                return;
            }
            violated = true;
            lastCloseReason = String.valueOf(cause.getMessage());
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
