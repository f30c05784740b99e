package io.ftvm.replication.console;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline both ends share: keepalive timers, length-prefixed framing with {@link ConsoleCodec#MAX_FRAME},
 * strict decoding, PING/PONG, and a guard that closes the connection on any violation, keeping and logging the
 * first reason (a server first tells the client in an ERROR frame). Nothing after a bad frame is delivered.
 */
public final class ConsoleFraming {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFraming.class);

    /** Why a connection was closed, as a channel attribute: the first reason wins. */
    public static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("ftvm.console.closeReason");
    /** Set on a channel closed because its peer went silent (a host that froze, or a link that went dark). */
    public static final AttributeKey<Boolean> WENT_SILENT = AttributeKey.valueOf("ftvm.console.wentSilent");

    /** Which end this pipeline is. */
    public enum Side {
        SERVER, CLIENT
    }

    /** Counters of refused connections, shared by all connections of one server or client. */
    public static final class Stats {
        private final LongAdder violations = new LongAdder();
        private volatile String lastCloseReason;

        /** Connections closed because the peer broke the protocol (malformed, oversized, out of order). */
        public long violations() {
            return violations.sum();
        }

        /** Why a connection was last closed for a reason (a violation, a silent peer, an error sent), or null. */
        public String lastCloseReason() {
            return lastCloseReason;
        }

        void violation() {
            violations.increment();
        }

        void closedBecause(String reason) {
            lastCloseReason = reason;
        }
    }

    private ConsoleFraming() {
    }

    /**
     * Adds the shared handlers to {@code p}: idle timers, framing, strict decoding for {@code side}, encoding,
     * keepalive and the violation guard. The caller's handler goes after them.
     */
    public static void install(ChannelPipeline p, Side side, Duration keepalive, Duration peerTimeout, Stats stats) {
        p.addLast("idle", idle(keepalive, peerTimeout));
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(ConsoleCodec.MAX_FRAME, 0, 4, 0, 4, true));
        p.addLast("message-decoder", new Decoder(side));
        p.addLast("message-encoder", new Encoder());
        p.addLast("keepalive", new Keepalive(peerTimeout, stats));
        p.addLast("guard", new Guard(side, stats));
    }

    /**
     * The idle timers: a read idle for {@code peerTimeout} is the peer's silence, a write idle for {@code keepalive}
     * sends a PING. A new one per channel (Netty forbids re-adding a removed handler).
     */
    public static IdleStateHandler idle(Duration keepalive, Duration peerTimeout) {
        return new IdleStateHandler(peerTimeout.toMillis(), keepalive.toMillis(), 0, TimeUnit.MILLISECONDS);
    }

    /** Remembers and logs why {@code ctx}'s channel closes (first reason wins), then closes it. */
    public static void closeWith(ChannelHandlerContext ctx, Stats stats, String reason) {
        remember(ctx, stats, reason, false);
        ctx.close();
    }

    /** Sends {@code last} (an ERROR, REDIRECT or BYE), then closes, remembering {@code reason}. */
    public static void sendAndClose(ChannelHandlerContext ctx, Stats stats, ConsoleMessage last, String reason) {
        remember(ctx, stats, reason, false);
        ctx.channel().writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    /** Keeps the first close reason of a channel; a protocol violation is logged as a warning. */
    private static void remember(ChannelHandlerContext ctx, Stats stats, String reason, boolean violation) {
        if (ctx.channel().attr(CLOSE_REASON).setIfAbsent(reason) == null) {
            stats.closedBecause(reason);
            if (violation) {
                LOG.warn("closing console connection {}: {}", ctx.channel().remoteAddress(), reason);
            } else {
                LOG.info("closing console connection {}: {}", ctx.channel().remoteAddress(), reason);
            }
        }
    }

    /** Frame bodies to messages; after the first bad frame, nothing more. */
    private static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        private final Side side;
        private boolean failed;

        Decoder(Side side) {
            this.side = side;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws ConsoleException {
            if (failed) {
                return;
            }
            try {
                out.add(side == Side.SERVER ? ConsoleCodec.decodeFromClient(frame)
                        : ConsoleCodec.decodeFromServer(frame));
            } catch (ConsoleException e) {
                failed = true;
                throw e;
            }
        }
    }

    private static final class Encoder extends MessageToByteEncoder<ConsoleMessage> {
        @Override
        protected void encode(ChannelHandlerContext ctx, ConsoleMessage msg, ByteBuf out) {
            ConsoleCodec.encode(msg, out);
        }
    }

    /** Sends a PING when this end has been quiet, answers PINGs, and drops a peer silent past the timeout. */
    private static final class Keepalive extends ChannelInboundHandlerAdapter {
        private final Duration peerTimeout;
        private final Stats stats;

        Keepalive(Duration peerTimeout, Stats stats) {
            this.peerTimeout = peerTimeout;
            this.stats = stats;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ConsoleMessage.Ping p) {
                ctx.writeAndFlush(new ConsoleMessage.Pong(p.nonce()), ctx.voidPromise());
            } else if (!(msg instanceof ConsoleMessage.Pong)) {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent idle) {
                switch (idle.state()) {
                    case READER_IDLE -> {
                        ctx.channel().attr(WENT_SILENT).set(Boolean.TRUE);
                        closeWith(ctx, stats, "peer silent for " + peerTimeout.toMillis() + " ms");
                    }
                    case WRITER_IDLE -> ctx.writeAndFlush(new ConsoleMessage.Ping(
                            ThreadLocalRandom.current().nextLong()), ctx.voidPromise());
                    default -> {
                    }
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }

    /**
     * The last inbound handler: a decoding error, an oversized frame or a violation raised by the role handler
     * closes the connection. A server first sends an ERROR naming the reason (and the offset, where one applies).
     */
    private static final class Guard extends ChannelInboundHandlerAdapter {
        private final Side side;
        private final Stats stats;
        private boolean handled;

        Guard(Side side, Stats stats) {
            this.side = side;
            this.stats = stats;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (handled) {
                return;
            }
            handled = true;
            Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            ConsoleError code;
            long offset = -1;
            String reason;
            if (root instanceof TooLongFrameException) {
                code = ConsoleError.PROTOCOL_VIOLATION;
                reason = "oversized frame: " + root.getMessage();
            } else if (root instanceof ConsoleException e) {
                code = e.code();
                offset = e.offset();
                reason = e.getMessage();
            } else if (root instanceof IOException) {
                closeWith(ctx, stats, "connection error: " + root.getMessage());
                return;
            } else {
                code = ConsoleError.INTERNAL;
                reason = root.getClass().getSimpleName() + ": " + root.getMessage();
                LOG.warn("console connection {} failed", ctx.channel().remoteAddress(), root);
            }
            boolean violation = code == ConsoleError.PROTOCOL_VIOLATION;
            if (violation) {
                stats.violation();
            }
            String full = code + ": " + reason;
            remember(ctx, stats, full, violation);
            if (side == Side.SERVER && ctx.channel().isActive()) {
                ctx.channel().writeAndFlush(new ConsoleMessage.Error(code, offset, reason))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }
}
