package io.ftvm.node.admin;

import io.ftvm.replication.TlsOrPlaintext;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection's requests: each complete request is copied off its buffers and handed to a worker
 * ({@link AdminServer#route}); its response is written back in order. While a request is served the connection is
 * not read (a pipelining client waits; at most {@value #MAX_QUEUED} requests already decoded are queued). Malformed
 * or oversized heads get 400/414/431 and the connection is closed. Event-loop methods never block.
 */
final class AdminServerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServerHandler.class);
    private static final int MAX_QUEUED = 8;

    private final AdminServer server;
    private final RequestTimer timer;
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean busy;

    /** A request with what its response needs: the HTTP version and whether the client keeps the connection. */
    private record Pending(AdminServer.Request request, HttpVersion version, boolean keepAlive) {
    }

    AdminServerHandler(AdminServer server, RequestTimer timer) {
        this.server = server;
        this.timer = timer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            timer.requestReceived();
            if (TlsOrPlaintext.isPlaintext(ctx.channel())) {
                server.refuse(AdminServer.Refusal.TLS, "request from " + ctx.channel().remoteAddress()
                        + " refused: plain HTTP to the HTTPS endpoint");
                sendErrorAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "TLS_REQUIRED", "this admin endpoint "
                        + "speaks HTTPS only: use https:// and the cluster CA certificate (ftctl: --ca-file or "
                        + "FTCTL_CA_FILE)");
                return;
            }
            DecoderResult result = req.decoderResult();
            if (result.isFailure()) {
                refuseMalformed(result.cause());
                return;
            }
            Pending p;
            try {
                URI uri = new URI(req.uri());
                p = new Pending(new AdminServer.Request(req.method().name(), uri.getPath() == null ? "" : uri.getPath(),
                        uri.getRawQuery(), req.uri(), req.headers().get(HttpHeaderNames.AUTHORIZATION),
                        ByteBufUtil.getBytes(req.content()), String.valueOf(ctx.channel().remoteAddress())),
                        req.protocolVersion(), HttpUtil.isKeepAlive(req));
            } catch (URISyntaxException e) {
                server.refuse(AdminServer.Refusal.BAD_REQUEST, "request from " + ctx.channel().remoteAddress()
                        + " refused: bad request target");
                sendErrorAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", "bad request target");
                return;
            }
            if (!busy) {
                start(p);
            } else if (queued.size() < MAX_QUEUED) {
                queued.add(p);
            } else {
                ctx.close();
            }
        } finally {
            req.release();
        }
    }

    private void refuseMalformed(Throwable cause) {
        Object from = ctx.channel().remoteAddress();
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException) {
            boolean line = cause instanceof TooLongHttpLineException;
            server.refuse(AdminServer.Refusal.HEAD_TOO_LARGE, "request from " + from + " refused: "
                    + (line ? "request line" : "header fields") + " over " + server.config().maxHeaderBytes()
                    + " bytes");
            sendErrorAndClose(ctx, line ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "TOO_LARGE", "request head too large");
        } else {
            server.refuse(AdminServer.Refusal.BAD_REQUEST, "request from " + from + " refused: malformed ("
                    + AdminServer.printable(String.valueOf(cause.getMessage())) + ")");
            sendErrorAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", "malformed request");
        }
    }

    /** Hands {@code p} to its worker pool; the connection is not read until its response is out. */
    private void start(Pending p) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        try {
            server.workersFor(p.request()).execute(() -> serve(p));
        } catch (RejectedExecutionException e) {
            server.refuse(AdminServer.Refusal.BUSY, "request " + p.request().describe() + " from "
                    + p.request().remote() + " refused: all workers busy");
            respond(p, AdminApi.Response.error(503, "BUSY", "the admin endpoint is busy; try again"));
        }
    }

    /** On a worker thread. */
    private void serve(Pending p) {
        try {
            AdminApi.Response r = server.route(p.request());
            if (r.stream() != null) {
                stream(p, r);
            } else {
                ctx.executor().execute(() -> respond(p, r));
            }
        } catch (RejectedExecutionException e) {
            ctx.channel().close(); // shutting down
        } catch (RuntimeException | Error e) {
            ctx.channel().close(); // never leave the client waiting for an answer that will not come
            throw e;
        }
    }

    private void respond(Pending p, AdminApi.Response r) {
        FullHttpResponse res = new DefaultFullHttpResponse(p.version(), HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        headers(res, r);
        HttpUtil.setContentLength(res, r.body().length);
        HttpUtil.setKeepAlive(res, p.keepAlive());
        ChannelFuture written = ctx.writeAndFlush(res);
        long writeMillis = server.config().writeTimeout().toMillis();
        ScheduledFuture<?> stall = ctx.executor().schedule(() -> {
            if (!written.isDone()) {
                writeStalled();
            }
        }, writeMillis, TimeUnit.MILLISECONDS);
        written.addListener(f -> {
            stall.cancel(false);
            finished(p.keepAlive(), f.isSuccess());
        });
    }

    /** On a worker thread: a streamed body (a recording), chunked for HTTP/1.1, until close for HTTP/1.0. */
    private void stream(Pending p, AdminApi.Response r) {
        Channel ch = ctx.channel();
        boolean chunked = p.version().equals(HttpVersion.HTTP_1_1);
        boolean keepAlive = p.keepAlive() && chunked;
        HttpResponse head = new DefaultHttpResponse(p.version(), HttpResponseStatus.valueOf(r.status()));
        headers(head, r);
        HttpUtil.setTransferEncodingChunked(head, chunked);
        HttpUtil.setKeepAlive(head, keepAlive);
        ch.writeAndFlush(head);
        try (ChunkedResponseStream out = new ChunkedResponseStream(ch, server.config().writeTimeout(),
                this::writeStalled)) {
            r.stream().writeTo(out);
        } catch (IOException | RuntimeException e) {
            LOG.warn("admin response to {} from {} broke off: {}", p.request().describe(), p.request().remote(),
                    e.toString());
            ch.close();
            return;
        }
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> finished(keepAlive, f.isSuccess()));
    }

    private void writeStalled() {
        server.refuse(AdminServer.Refusal.WRITE_TIMEOUT, "connection from " + ctx.channel().remoteAddress()
                + " closed: the client read nothing for " + server.config().writeTimeout().toMillis() + " ms");
        ctx.channel().close();
    }

    /** On the event loop, once a response is out: the next queued request, or wait for one. */
    private void finished(boolean keepAlive, boolean written) {
        if (!keepAlive || !written) {
            ctx.close();
            return;
        }
        busy = false;
        Pending next = queued.poll();
        if (next != null) {
            start(next);
            return;
        }
        timer.responseSent();
        ctx.channel().config().setAutoRead(true);
    }

    private static void headers(HttpResponse res, AdminApi.Response r) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        if (r.status() == 401) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
    }

    /** Answers with the API's JSON error and closes the connection (for requests that cannot be served). */
    static void sendErrorAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message) {
        AdminApi.Response r = AdminApi.Response.error(status.code(), code, message);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(r.body()));
        headers(res, r);
        HttpUtil.setContentLength(res, r.body().length);
        HttpUtil.setKeepAlive(res, false);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            if (!ctx.channel().isActive()) {
                return; // closed during the handshake (by the client, or by the read timeout, counted there)
            }
            server.refuse(AdminServer.Refusal.TLS, "connection from " + ctx.channel().remoteAddress()
                    + " closed: TLS handshake failed (" + e.cause().getMessage() + ")");
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        queued.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
