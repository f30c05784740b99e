package io.ftvm.node.admin;

import io.ftvm.replication.TlsOrPlaintext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of one accepted admin connection, in order: the {@link RequestTimer} (sees every byte, TLS included),
 * TLS when configured (a plain-HTTP client is answered 400 TLS_REQUIRED), the HTTP codec with bounded head sizes, the body aggregator with the body limit, and the
 * {@link AdminServerHandler}. A connection over the limit gets no pipeline: it is closed at once.
 */
final class AdminServerInitializer extends ChannelInitializer<SocketChannel> {
    private final AdminServer server;

    AdminServerInitializer(AdminServer server) {
        this.server = server;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!server.admit(ch)) {
            ch.close();
            return;
        }
        AdminServerConfig config = server.config();
        ChannelPipeline p = ch.pipeline();
        RequestTimer timer = new RequestTimer(server);
        p.addLast("timer", timer);
        if (config.sslContext() != null) {
            // The timer bounds the handshake; plain HTTP gets a 400 that says HTTPS is required.
            p.addLast("tls-or-plaintext", new TlsOrPlaintext(config.sslContext()));
        }
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxHeaderBytes())
                .setMaxHeaderSize(config.maxHeaderBytes())));
        p.addLast("body", new BodyLimit(server, config.maxBodyBytes()));
        p.addLast("handler", new AdminServerHandler(server, timer));
    }

    /** The aggregator, answering an oversized body with the API's own 413 (counted) and closing the connection. */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final AdminServer server;

        BodyLimit(AdminServer server, int maxBodyBytes) {
            super(maxBodyBytes);
            this.server = server;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            server.refuse(AdminServer.Refusal.BODY_TOO_LARGE, "request from " + ctx.channel().remoteAddress()
                    + " refused: body over " + maxContentLength() + " bytes");
            AdminServerHandler.sendErrorAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE",
                    "request body over " + maxContentLength() + " bytes");
        }
    }
}
