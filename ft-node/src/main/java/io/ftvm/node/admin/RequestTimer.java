package io.ftvm.node.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's deadlines, first in its pipeline so it sees raw bytes (a TLS handshake counts as reading). All
 * methods run on the connection's event loop.
 *
 * <pre>
 *   READING --request complete--> HANDLING --response sent, keep-alive--> IDLE --first byte--> READING
 *   READING --read timeout--> closed (counted)          IDLE --idle timeout--> closed
 * </pre>
 *
 * A connection starts READING: one that connects and says nothing is as slow as one that sends a byte a minute.
 * HANDLING has no deadline here (the worker's own calls are bounded; writes have the write timeout).
 */
final class RequestTimer extends ChannelInboundHandlerAdapter {
    private enum Phase { READING, HANDLING, IDLE }

    private final AdminServer server;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.READING;
    private ScheduledFuture<?> deadline;

    RequestTimer(AdminServer server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            reading();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (deadline == null && phase == Phase.READING) {
            reading();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE) { // IDLE --first byte--> READING
            reading();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** READING --request complete--> HANDLING. */
    void requestReceived() {
        cancel();
        phase = Phase.HANDLING;
    }

    /** HANDLING --response sent, keep-alive--> IDLE. */
    void responseSent() {
        cancel();
        phase = Phase.IDLE;
        long idleMillis = server.config().idleTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> {
            if (phase == Phase.IDLE) {
                ctx.close(); // a quiet keep-alive connection: normal, not a refusal
            }
        }, idleMillis, TimeUnit.MILLISECONDS);
    }

    private void reading() {
        cancel();
        phase = Phase.READING;
        long readMillis = server.config().readTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> {
            if (phase == Phase.READING && ctx.channel().isOpen()) {
                server.refuse(AdminServer.Refusal.READ_TIMEOUT, "connection from " + ctx.channel().remoteAddress()
                        + " closed: no complete request within " + readMillis + " ms");
                ctx.close();
            }
        }, readMillis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
