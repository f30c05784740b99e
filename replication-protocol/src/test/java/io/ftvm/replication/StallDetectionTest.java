package io.ftvm.replication;

import static io.ftvm.replication.TestSupport.await;
import static io.ftvm.replication.TestSupport.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.Messages.Entry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A backup that keeps answering heartbeats but never ACKs is dropped by the primary once entries wait longer than the
 * peer timeout (reason kept, logged and counted); an idle stream and a slow backup whose ACKs keep coming are not.
 */
class StallDetectionTest {
    private static final PeerIdentity.Pair ID = PeerIdentity.localPair("c1", "vm-1", 3, "ftvm-primary",
            "ftvm-backup");
    private static final ConnectionSettings FAST = ConnectionSettings.defaults()
            .withHeartbeat(Duration.ofMillis(50), Duration.ofMillis(500));

    /** Handshakes and echoes every heartbeat, swallows log batches without an ACK. */
    private static final class MuteBackup implements AutoCloseable {
        final AtomicLong batches = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<String> goodbye =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final EventLoopGroup group = Transports.group();
        private final Channel server;

        MuteBackup() throws InterruptedException {
            server = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Framing.install(ch.pipeline(), Framing.DEFAULT_MAX_FRAME, Framing.Reads.FROM_PRIMARY,
                                    new Framing.Stats());
                            ch.pipeline().addBefore("protocol-guard", "mute",
                                    new SimpleChannelInboundHandler<Messages.FromPrimary>() {
                                        private final byte[] challenge = PairTrust.nonce();

                                        @Override
                                        public void channelActive(ChannelHandlerContext ctx) {
                                            ctx.writeAndFlush(new Messages.Challenge(challenge));
                                        }

                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx,
                                                Messages.FromPrimary m) {
                                            if (m instanceof Messages.Handshake h) {
                                                ctx.writeAndFlush(ID.backup().handshake(Messages.Role.BACKUP, 0,
                                                        h.nonce(), challenge));
                                            } else if (m instanceof Messages.Heartbeat h) {
                                                ctx.writeAndFlush(new Messages.Heartbeat(System.nanoTime(),
                                                        h.sendTimeNanos()));
                                            } else if (m instanceof Messages.LogBatch) {
                                                batches.incrementAndGet(); // received, never ACKed
                                            } else if (m instanceof Messages.Goodbye g) {
                                                goodbye.set(g.reason());
                                            }
                                        }
                                    });
                        }
                    }).bind(loopback()).sync().channel();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.localAddress();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aPeerThatAnswersHeartbeatsButNeverAcksIsDroppedWithAReason() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        try (MuteBackup backup = new MuteBackup();
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, FAST, null)) {
            await(primary::ready, "handshake");
            for (int i = 1; i <= 100; i++) {
                sender.append(new Entry(i, 1, new byte[16]));
            }
            primary.flush();
            await(() -> backup.batches.get() > 0, "the batch to arrive");
            await(() -> !primary.isOpen(), "the stalled stream to be dropped");
            await(() -> primary.stats().stalledStreams() == 1, "the stall to be counted");
            assertThat(primary.closeReason()).startsWith("log stalled: no ACK progress for ")
                    .contains("entries 0..99 outstanding (last ACK -1)");
            assertThat(primary.stats().lastCloseReason()).isEqualTo(primary.closeReason());
            assertThat(sender.ackedSequence()).isEqualTo(-1);
            assertThat(sender.bytesRetained()).as("the entries stay for the next connection").isPositive();
            // the backup is told before the close, so it does not take the closed connection for a dead primary
            await(() -> backup.goodbye.get() != null, "the goodbye");
            assertThat(backup.goodbye.get()).startsWith("the primary drops this connection: log stalled");
        }
    }

    @Test
    void anIdleStreamWithALivePeerIsKept() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        try (MuteBackup backup = new MuteBackup();
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, FAST, null)) {
            await(primary::ready, "handshake");
            Thread.sleep(1_500); // three peer timeouts with nothing to send
            assertThat(primary.isOpen()).as("closed: %s", primary.closeReason()).isTrue();
            assertThat(primary.stats().stalledStreams()).isZero();
        }
    }

    @Test
    void aSlowBackupWhoseAcksKeepComingIsNotCut() throws Exception {
        AtomicLong delivered = new AtomicLong();
        SenderLog sender = new SenderLog(256 << 10); // a small budget: the primary is throttled throughout
        int n = 60_000;
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(ID.backup(), 0, e -> {
            if (delivered.incrementAndGet() % 100 == 0) {
                sleep(5); // about 20,000 entries a second: the run lasts several peer timeouts
            }
        }), FAST, null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), ID.primary(), sender, FAST, null)) {
            await(primary::ready, "handshake");
            byte[] payload = new byte[256];
            for (int i = 1; i <= n; i++) {
                sender.append(new Entry(i, 1, payload));
                if (i % 64 == 0) {
                    primary.flush();
                }
                while (sender.backpressure()) {
                    sender.awaitAckedIcount(sender.ackedIcount() + 1, 100);
                    assertThat(primary.isOpen()).as("closed: %s", primary.closeReason()).isTrue();
                }
            }
            primary.flush();
            await(() -> sender.ackedIcount() == n || !primary.isOpen(), "all ACKed");
            assertThat(primary.isOpen()).as("closed: %s", primary.closeReason()).isTrue();
            assertThat(delivered.get()).isEqualTo(n);
            assertThat(primary.stats().stalledStreams()).isZero();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
