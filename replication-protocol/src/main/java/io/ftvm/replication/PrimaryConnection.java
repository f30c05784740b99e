package io.ftvm.replication;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The primary's connection to its backup: handshakes, resumes the {@link SenderLog} at the backup's resume point
 * (or reports that a snapshot is needed), sends batches when {@link #flush()} is called, and applies ACKs.
 */
public final class PrimaryConnection implements AutoCloseable {
    /** Largest batch sent at once. */
    static final int BATCH_ENTRIES = 1024;

    private final EventLoopGroup group = Transports.group();
    private final SenderLog sender;
    private final PeerIdentity identity;
    private final Framing.Stats stats = new Framing.Stats();
    /** Set as soon as the channel exists (the backup's handshake can arrive before the constructor returns). */
    private volatile Channel channel;
    private volatile boolean ready;
    private volatile boolean snapshotNeeded;
    private volatile String closeReason;

    public PrimaryConnection(InetSocketAddress backup, PeerIdentity identity, SenderLog sender, int maxFrame)
            throws InterruptedException {
        this.sender = sender;
        this.identity = identity;
        new Bootstrap().group(group).channel(Transports.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channel = ch;
                        Framing.install(ch.pipeline(), maxFrame, Framing.Reads.FROM_BACKUP, stats);
                        ch.pipeline().addBefore("protocol-guard", "primary-handler", new Handler());
                    }
                }).connect(backup).sync();
    }

    /** True once the backup's handshake was accepted and the resume point set. */
    public boolean ready() {
        return ready;
    }

    /** True when the backup asked for entries this sender no longer holds: it needs a snapshot. */
    public boolean snapshotNeeded() {
        return snapshotNeeded;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    public String closeReason() {
        return closeReason;
    }

    /** Sends everything appended and not yet sent (on the event loop). */
    public void flush() {
        channel.eventLoop().execute(this::sendPending);
    }

    private void sendPending() {
        if (!ready || !channel.isActive()) {
            return;
        }
        Optional<Messages.LogBatch> b;
        boolean wrote = false;
        while ((b = sender.nextBatch(BATCH_ENTRIES)).isPresent()) {
            channel.write(b.get());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<Messages.FromBackup> {
        private final Liveness liveness = new Liveness(BackupEndpoint.HEARTBEAT_INTERVAL, BackupEndpoint.PEER_TIMEOUT,
                System::nanoTime);
        private boolean handshaken;
        private boolean violated;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Messages.Handshake(identity.protocolVersion(), identity.clusterId(),
                    identity.vmId(), identity.epoch(), Messages.Role.PRIMARY, 0));
            Heartbeats.schedule(ctx, liveness, BackupEndpoint.HEARTBEAT_INTERVAL, reason -> closeReason = reason);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Messages.FromBackup m) throws ProtocolException {
            if (violated) {
                return; // the connection is closing: nothing after a violation is processed
            }
            liveness.messageReceived();
            if (m instanceof Messages.Heartbeat h) {
                liveness.onHeartbeat(h);
            }
            if (!handshaken) {
                if (!(m instanceof Messages.Handshake h)) {
                    throw new ProtocolException("expected a handshake first");
                }
                identity.check(h, Messages.Role.BACKUP);
                handshaken = true;
                if (!sender.resumeFrom(h.resumeFrom())) {
                    snapshotNeeded = true;
                    closeReason = "backup needs sequence " + h.resumeFrom() + ", no longer held: snapshot needed";
                    ctx.writeAndFlush(new Messages.Goodbye(closeReason)).addListener(f -> ctx.close());
                    return;
                }
                ready = true;
                sendPending();
                return;
            }
            if (m instanceof Messages.Ack a) {
                sender.onAck(a);
            } else if (m instanceof Messages.Handshake) {
                throw new ProtocolException("a second handshake on one connection");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (violated) {
                return;
            }
            violated = true;
            closeReason = String.valueOf(cause.getMessage());
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
