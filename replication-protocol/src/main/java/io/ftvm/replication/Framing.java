package io.ftvm.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The framing and strict decoding of one side of a connection: 4-byte big-endian length prefix, a maximum frame
 * size, protobuf decoded into {@link Messages} records. Anything wrong (an oversized frame, malformed protobuf, an
 * unknown or invalid message) closes the connection; the reason is kept and counted, and nothing past the bad frame
 * is delivered.
 */
public final class Framing {
    /** Default largest frame: enough for a batch of 4 MiB plus overhead. */
    public static final int DEFAULT_MAX_FRAME = (4 << 20) + 4096;

    /** Which messages this end reads. */
    public enum Reads {
        FROM_PRIMARY, FROM_BACKUP
    }

    /** Counters of refused connections, shared by all channels of an endpoint. */
    public static final class Stats {
        private final LongAdder oversizedFrames = new LongAdder();
        private final LongAdder malformedMessages = new LongAdder();

        public long oversizedFrames() {
            return oversizedFrames.sum();
        }

        public long malformedMessages() {
            return malformedMessages.sum();
        }
    }

    private Framing() {
    }

    /** Installs framing, decoding, encoding and the guard that closes the channel on a violation. */
    public static void install(ChannelPipeline p, int maxFrame, Reads reads, Stats stats) {
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(maxFrame, 0, 4, 0, 4, true));
        p.addLast("frame-prepender", new LengthFieldPrepender(4));
        p.addLast("message-decoder", new Decoder(reads));
        p.addLast("message-encoder", new Encoder(reads == Reads.FROM_BACKUP));
        p.addLast("protocol-guard", new Guard(stats));
    }

    /** Frame bytes to message records. */
    private static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        private final Reads reads;
        private boolean failed;

        Decoder(Reads reads) {
            this.reads = reads;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
            if (failed) {
                return; // after a violation nothing more is delivered, even frames already buffered
            }
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            try {
                out.add(reads == Reads.FROM_PRIMARY ? WireMapper.decodeFromPrimary(bytes)
                        : WireMapper.decodeFromBackup(bytes));
            } catch (ProtocolException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** Message records to frame bytes; an end that reads backup messages writes primary ones and vice versa. */
    private static final class Encoder extends MessageToByteEncoder<Object> {
        private final boolean writesPrimary;

        Encoder(boolean writesPrimary) {
            this.writesPrimary = writesPrimary;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
            if (writesPrimary && msg instanceof Messages.FromPrimary m) {
                out.writeBytes(WireMapper.encodePrimary(m));
            } else if (!writesPrimary && msg instanceof Messages.FromBackup m) {
                out.writeBytes(WireMapper.encodeBackup(m));
            } else {
                throw new IllegalArgumentException("this end cannot send " + msg);
            }
        }
    }

    /** Closes the connection on any protocol violation, remembering why. */
    static final class Guard extends ChannelInboundHandlerAdapter {
        private final Stats stats;

        Guard(Stats stats) {
            this.stats = stats;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            if (root instanceof TooLongFrameException) {
                stats.oversizedFrames.increment();
            } else {
                stats.malformedMessages.increment();
            }
            ctx.channel().attr(CloseReason.KEY).setIfAbsent(root.getMessage());
            ctx.close();
        }
    }
}
