package io.ftvm.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framing and strict decoding of one side of a connection: optional TLS, a 4-byte big-endian length prefix,
 * a maximum frame size, protobuf decoded into {@link Messages} records. Anything wrong (a refused TLS peer, an
 * oversized frame, malformed protobuf, an unknown or invalid message, a protocol violation raised by the handler)
 * closes the connection; the reason is kept, logged and counted, and nothing past the bad frame is delivered.
 */
public final class Framing {
    private static final Logger LOG = LoggerFactory.getLogger(Framing.class);

    /** Default largest frame: enough for a batch of 4 MiB plus overhead. */
    public static final int DEFAULT_MAX_FRAME = (4 << 20) + 4096;

    /** Which messages this end reads. */
    public enum Reads {
        FROM_PRIMARY, FROM_BACKUP
    }

    /**
     * Counters of refused connections, shared by all channels of an endpoint; each count is also added to the
     * parent's, when there is one (a host's totals over all its endpoints, for its metrics).
     */
    public static final class Stats {
        private final Stats parent;
        private final LongAdder oversizedFrames = new LongAdder();
        private final LongAdder malformedMessages = new LongAdder();
        private final LongAdder tlsRefusals = new LongAdder();
        private final LongAdder connectionErrors = new LongAdder();
        private final LongAdder handshakeRefusals = new LongAdder();
        private final LongAdder stalledStreams = new LongAdder();
        private final LongAdder unprovenOverLimit = new LongAdder();
        private final LongAdder bytesReceived = new LongAdder();
        private volatile String lastCloseReason;

        /** Counters of their own. */
        public Stats() {
            this(null);
        }

        /** Counters that are also added to {@code parent}'s (null: none). */
        public Stats(Stats parent) {
            this.parent = parent;
        }

        /** One close logged per second per host (the root of the parents): strangers cannot flood the log. */
        private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
        private final java.util.concurrent.atomic.AtomicLong lastLog = new java.util.concurrent.atomic.AtomicLong(
                System.nanoTime() - LOG_INTERVAL_NANOS);
        private final java.util.concurrent.atomic.AtomicLong unlogged = new java.util.concurrent.atomic.AtomicLong();

        /**
         * Whether a close may be logged now: -1 when one was logged within the last second (this one is only
         * counted), else how many closes went unlogged before it.
         */
        long logPermit(long nowNanos) {
            if (parent != null) {
                return parent.logPermit(nowNanos);
            }
            long last = lastLog.get();
            if (nowNanos - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, nowNanos)) {
                return unlogged.getAndSet(0);
            }
            unlogged.incrementAndGet();
            return -1;
        }

        /** Connections closed for a frame over the limit. */
        public long oversizedFrames() {
            return oversizedFrames.sum();
        }

        /** Connections closed for a message that broke the protocol (malformed, unknown, out of order, mismatched). */
        public long malformedMessages() {
            return malformedMessages.sum();
        }

        /** Connections refused during the TLS handshake (no or untrusted certificate, not TLS at all). */
        public long tlsRefusals() {
            return tlsRefusals.sum();
        }

        /**
         * Connections closed because the peer's handshake was refused: another cluster or VM, an epoch that is not
         * the pair's (stale or claimed ahead), a host or certificate that is not the pair's, a proof that does not
         * verify, or a pair the VM's record no longer names.
         */
        public long handshakeRefusals() {
            return handshakeRefusals.sum();
        }

        /**
         * Connections closed because the log made no progress: entries outstanding and no ACK advancing for longer
         * than the peer timeout, while the peer still answered (see {@link LogProgress}).
         */
        public long stalledStreams() {
            return stalledStreams.sum();
        }

        /**
         * Connections closed at once because too many connections from the same address (or in all) had not proven
         * themselves yet (see {@link BackupEndpoint}).
         */
        public long unprovenOverLimit() {
            return unprovenOverLimit.sum();
        }

        /** A connection is closed at once: too many unproven connections. */
        void countUnprovenOverLimit() {
            count(Kind.UNPROVEN_LIMIT);
        }

        /** Bytes of frames received (length prefixes included), over all connections. */
        public long bytesReceived() {
            return bytesReceived.sum();
        }

        /** Why the endpoint last closed a connection (a violation, a refused peer, a silent peer...), or null. */
        public String lastCloseReason() {
            return lastCloseReason;
        }

        void closedBecause(String reason) {
            lastCloseReason = reason;
            if (parent != null) {
                parent.closedBecause(reason);
            }
        }

        private void received(long bytes) {
            bytesReceived.add(bytes);
            if (parent != null) {
                parent.received(bytes);
            }
        }

        /** A connection is closed because its log stream stalled. */
        void countStall() {
            count(Kind.STALLED);
        }

        private void count(Kind kind) {
            (switch (kind) {
                case OVERSIZED -> oversizedFrames;
                case TLS -> tlsRefusals;
                case IO -> connectionErrors;
                case MALFORMED -> malformedMessages;
                case REFUSED -> handshakeRefusals;
                case STALLED -> stalledStreams;
                case UNPROVEN_LIMIT -> unprovenOverLimit;
            }).increment();
            if (parent != null) {
                parent.count(kind);
            }
        }

        /** Connections lost to an I/O error (reset by the peer, for example): not a protocol matter. */
        public long connectionErrors() {
            return connectionErrors.sum();
        }
    }

    /** Why a connection was closed, as the counters tell them apart. */
    private enum Kind {
        OVERSIZED, TLS, IO, MALFORMED, REFUSED, STALLED, UNPROVEN_LIMIT
    }

    private Framing() {
    }

    /** Installs framing, decoding, encoding and the guard that closes the channel on a violation (plain TCP). */
    public static void install(ChannelPipeline p, int maxFrame, Reads reads, Stats stats) {
        install(p, maxFrame, reads, stats, null, false);
    }

    /**
     * Installs TLS (when {@code ssl} is not null; {@code client} tells which side), framing, decoding, encoding
     * and the guard.
     */
    static void install(ChannelPipeline p, int maxFrame, Reads reads, Stats stats, SslContext ssl, boolean client) {
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(p.channel().alloc()));
        }
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(maxFrame, 0, 4, 0, 4, true));
        p.addLast("message-decoder", new Decoder(reads, stats));
        p.addLast("message-encoder", new Encoder(reads == Reads.FROM_BACKUP));
        p.addLast("protocol-guard", new Guard(stats));
    }

    /** Frame bytes to message records. */
    private static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        private final Reads reads;
        private final Stats stats;
        private boolean failed;

        Decoder(Reads reads, Stats stats) {
            this.reads = reads;
            this.stats = stats;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
            if (failed) {
                return; // after a violation nothing more is delivered, even frames already buffered
            }
            stats.received(frame.readableBytes() + 4L);
            try {
                out.add(reads == Reads.FROM_PRIMARY ? WireMapper.decodeFromPrimary(frame)
                        : WireMapper.decodeFromBackup(frame));
            } catch (ProtocolException e) {
                failed = true;
                throw e;
            }
        }
    }

    /**
     * Message records to length-prefixed frames, written into one buffer; an end that reads backup messages writes
     * primary ones and vice versa.
     */
    private static final class Encoder extends MessageToByteEncoder<Object> {
        private final boolean writesPrimary;

        Encoder(boolean writesPrimary) {
            this.writesPrimary = writesPrimary;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            if (writesPrimary && msg instanceof Messages.FromPrimary m) {
                WireMapper.encodePrimary(m, out);
            } else if (!writesPrimary && msg instanceof Messages.FromBackup m) {
                WireMapper.encodeBackup(m, out);
            } else {
                throw new IllegalArgumentException("this end cannot send " + msg);
            }
            out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
        }
    }

    /** Closes the connection on any protocol violation, remembering, logging and counting why. */
    static final class Guard extends ChannelInboundHandlerAdapter {
        private final Stats stats;

        Guard(Stats stats) {
            this.stats = stats;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            String reason;
            if (root instanceof TooLongFrameException) {
                stats.count(Kind.OVERSIZED);
                reason = "oversized frame: " + root.getMessage();
            } else if (root instanceof SSLException) {
                stats.count(Kind.TLS);
                reason = "TLS refused: " + root.getMessage();
            } else if (root instanceof java.io.IOException) {
                stats.count(Kind.IO);
                reason = "connection error: " + root.getMessage();
            } else if (root instanceof HandshakeRefusedException) {
                stats.count(Kind.REFUSED);
                reason = "handshake refused: " + root.getMessage();
            } else if (root instanceof ProtocolException) {
                stats.count(Kind.MALFORMED);
                reason = root.getMessage();
            } else {
                stats.count(Kind.MALFORMED);
                reason = root.getClass().getSimpleName() + ": " + root.getMessage();
            }
            if (ctx.channel().attr(CloseReason.KEY).setIfAbsent(reason) == null) {
                stats.closedBecause(reason);
                long skipped = stats.logPermit(System.nanoTime());
                if (skipped >= 0) {
                    LOG.warn("closing replication connection {}: {}{}", ctx.channel().remoteAddress(), reason,
                            skipped == 0 ? "" : " (" + skipped + " more closed since the last report, not logged)");
                }
            }
            ctx.close();
        }
    }
}
