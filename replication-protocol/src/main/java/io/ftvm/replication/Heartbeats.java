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
        schedule(ctx, liveness, interval, onSilent, () -> true);
    }

    /** As above; heartbeats go out only while {@code speak} holds (a backup says nothing before the peer proved itself). */
    static void schedule(ChannelHandlerContext ctx, Liveness liveness, Duration interval, Consumer<String> onSilent,
            BooleanSupplier speak) {
        Consumer<String> thenClose = reason -> {
            onSilent.accept(reason);
            ctx.close();
        };
        schedule(ctx, liveness, null, thenClose, thenClose, speak);
    }

    /**
     * Also checks {@code progress} (null: not checked) at every tick. On silence or a stall, {@code goodbye} gets the
     * reason and writes this end's goodbye (its future; null: nothing written), and the connection is closed once
     * that is on the wire, or after {@link #GOODBYE_NANOS} at the latest: closing at once would drop a goodbye that
     * is still queued, and the peer would take a deliberate close for this end's death.
     */
    static void schedule(ChannelHandlerContext ctx, Liveness liveness, LogProgress progress,
            java.util.function.Function<String, io.netty.channel.ChannelFuture> goodbye, Runnable onStalled) {
        schedule(ctx, liveness, progress, reason -> closeAfter(ctx, goodbye.apply(reason)), reason -> {
            onStalled.run();
            closeAfter(ctx, goodbye.apply(reason));
        }, () -> true);
    }

    /** The longest a goodbye may take to reach the socket before the connection is closed anyway. */
    static final long GOODBYE_NANOS = 50_000_000L;

    private static void closeAfter(ChannelHandlerContext ctx, io.netty.channel.ChannelFuture said) {
        if (said == null || said.isDone()) {
            ctx.close();
            return;
        }
        ScheduledFuture<?> limit = ctx.executor().schedule(() -> {
            ctx.close();
        }, GOODBYE_NANOS, TimeUnit.NANOSECONDS);
        said.addListener(f -> {
            limit.cancel(false);
            ctx.close();
        });
    }

    private static void schedule(ChannelHandlerContext ctx, Liveness liveness, LogProgress progress,
            Consumer<String> onSilent, Consumer<String> onStalled, BooleanSupplier speak) {
        long period = liveness.checkPeriodNanos();
        boolean[] ended = {false}; // the event loop's only
        ScheduledFuture<?> task = ctx.executor().scheduleAtFixedRate(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            long paused = liveness.tick(); // this end's own pause is not the peer's silence
            if (progress != null) {
                progress.excludePause(paused);
            }
            if (ended[0]) {
                return; // closing: the goodbye is on its way
            }
            if (liveness.peerSilent()) {
                ended[0] = true;
                onSilent.accept("peer silent for " + liveness.silenceNanos() / 1_000_000 + " ms (tolerated "
                        + liveness.toleranceNanos() / 1_000_000 + " ms)"); // it closes the channel
                return;
            }
            if (progress != null && progress.stalled()) {
                ended[0] = true;
                onStalled.accept(progress.describe()); // it closes the channel
                return;
            }
            if (speak.getAsBoolean() && liveness.heartbeatDue()) {
                ctx.writeAndFlush(liveness.nextHeartbeat());
            }
        }, period, period, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> task.cancel(false));
    }
}
