package io.ftvm.node.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A streamed response body written from a worker thread: bytes go out in chunks; while the connection's outbound
 * buffer is full the writer waits for its last chunk to leave, at most the write timeout — a client that stops
 * reading is disconnected rather than holding the worker. Never used on the event loop (it blocks).
 */
final class ChunkedResponseStream extends OutputStream {
    private static final int CHUNK = 32 << 10;

    private final Channel channel;
    private final Duration writeTimeout;
    private final Runnable onStall;
    private final byte[] buffer = new byte[CHUNK];
    private int used;
    private ChannelFuture last;
    private boolean closed;

    /** {@code onStall} runs (counts, logs) when the client took nothing for the write timeout. */
    ChunkedResponseStream(Channel channel, Duration writeTimeout, Runnable onStall) {
        this.channel = channel;
        this.writeTimeout = writeTimeout;
        this.onStall = onStall;
    }

    @Override
    public void write(int b) throws IOException {
        if (used == buffer.length) {
            flush();
        }
        buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == buffer.length) {
                flush();
            }
            int n = Math.min(len, buffer.length - used);
            System.arraycopy(b, off, buffer, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException("response stream closed");
        }
        if (used == 0) {
            return;
        }
        if (!channel.isActive()) {
            throw new IOException("the client closed the connection");
        }
        byte[] chunk = java.util.Arrays.copyOf(buffer, used);
        used = 0;
        last = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
        if (!channel.isWritable()) {
            awaitLast();
        }
    }

    /** Waits until everything written so far has left (bounded by the write timeout). */
    private void awaitLast() throws IOException {
        if (last == null) {
            return;
        }
        if (!last.awaitUninterruptibly(writeTimeout.toMillis())) {
            onStall.run();
            channel.close();
            throw new IOException("the client read nothing for " + writeTimeout.toMillis() + " ms");
        }
        if (!last.isSuccess()) {
            throw new IOException("the response could not be written", last.cause());
        }
    }

    /** Sends what is buffered and waits for it to leave; the stream takes no more bytes afterwards. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        flush();
        awaitLast();
        closed = true;
    }
}
