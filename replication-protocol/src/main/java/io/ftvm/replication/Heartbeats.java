package io.ftvm.replication;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Drives a connection's {@link Liveness} on its event loop: sends heartbeats and drops a silent peer; on the sending
 * end also a stream whose {@link LogProgress} stalled while the peer still answers.
 */
final class Heartbeats {
    private Heartbeats() {
    }

    /**
     * Runs {@code start} once the connection's TLS handshake succeeded (at once without TLS), with {@code liveness}
     * counting silence from then on: a slow TLS handshake (a cold JVM's first) is not the peer's silence. A failed
     * or timed-out TLS handshake closes the channel itself (SslHandler).
     */
    static void afterTls(ChannelHandlerContext ctx, Liveness liveness, Runnable start) {
        io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (ssl == null) {
            start.run();
            return;
        }
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess() && ctx.channel().isActive()) {
                liveness.messageReceived();
                start.run();
            }
        });
    }

    /** Checks every half {@code interval} (the interval {@code liveness} was made with). */
    static void schedule(ChannelHandlerContext ctx, Liveness liveness, Duration interval, Consumer<String> onSilent) {
        schedule(ctx, liveness, null, onSilent, onSilent, () -> true);
    }

    /** As above; heartbeats go out only while {@code speak} holds (a backup says nothing before the peer proved itself). */
    static void schedule(ChannelHandlerContext ctx, Liveness liveness, Duration interval, Consumer<String> onSilent,
            BooleanSupplier speak) {
        schedule(ctx, liveness, null, onSilent, onSilent, speak);
    }

    /**
     * Also checks {@code progress} (null: not checked) at every tick; {@code onStalled} gets the reason and the
     * connection is closed.
     */
    static void schedule(ChannelHandlerContext ctx, Liveness liveness, LogProgress progress,
            Consumer<String> onSilent, Consumer<String> onStalled) {
        schedule(ctx, liveness, progress, onSilent, onStalled, () -> true);
    }

    private static void schedule(ChannelHandlerContext ctx, Liveness liveness, LogProgress progress,
            Consumer<String> onSilent, Consumer<String> onStalled, BooleanSupplier speak) {
        long period = liveness.checkPeriodNanos();
        ScheduledFuture<?> task = ctx.executor().scheduleAtFixedRate(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            long paused = liveness.tick(); // this end's own pause is not the peer's silence
            if (progress != null) {
                progress.excludePause(paused);
            }
            if (liveness.peerSilent()) {
                onSilent.accept("peer silent for " + liveness.silenceNanos() / 1_000_000 + " ms (tolerated "
                        + liveness.toleranceNanos() / 1_000_000 + " ms)");
                ctx.close();
                return;
            }
            if (progress != null && progress.stalled()) {
                onStalled.accept(progress.describe());
                ctx.close();
                return;
            }
            if (speak.getAsBoolean() && liveness.heartbeatDue()) {
                ctx.writeAndFlush(liveness.nextHeartbeat());
            }
        }, period, period, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> task.cancel(false));
    }
}
