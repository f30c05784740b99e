package io.ftvm.replication;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;

/**
 * The first handler of a TLS endpoint that answers a client speaking plain text with an error it can read, rather
 * than cutting it off: it looks at the first bytes of a connection, and installs TLS when they are a TLS record;
 * otherwise it only marks the channel {@link #isPlaintext plain} and steps aside, and the endpoint's own handler
 * refuses every request on it with a message that says TLS is required. Nothing is ever served in plain text.
 */
public final class TlsOrPlaintext extends OptionalSslHandler {
    private static final AttributeKey<Boolean> PLAINTEXT = AttributeKey.valueOf("ftvm.plaintext-on-tls-port");

    public TlsOrPlaintext(SslContext context) {
        super(context);
        if (!context.isServer()) {
            throw new IllegalArgumentException("a server TLS context is needed");
        }
    }

    /** Whether {@code ch} is a connection whose client spoke plain text to a TLS endpoint. */
    public static boolean isPlaintext(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(PLAINTEXT).get());
    }

    @Override
    protected String newSslHandlerName() {
        return "tls";
    }

    @Override
    protected SslHandler newSslHandler(ChannelHandlerContext ctx, SslContext context) {
        return context.newHandler(ctx.alloc());
    }

    @Override
    protected ChannelHandler newNonSslHandler(ChannelHandlerContext ctx) {
        ctx.channel().attr(PLAINTEXT).set(Boolean.TRUE);
        return null;
    }
}
