package io.ftvm.replication;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Drives a connection's {@link Liveness} on its event loop: sends heartbeats and drops a silent peer. */
final class Heartbeats {
    private Heartbeats() {
    }

    static void schedule(ChannelHandlerContext ctx, Liveness liveness, Duration interval, Consumer<String> onSilent) {
        schedule(ctx, liveness, interval, onSilent, () -> true);
    }

    /** As above; heartbeats go out only while {@code speak} holds (a backup says nothing before the peer proved itself). */
    static void schedule(ChannelHandlerContext ctx, Liveness liveness, Duration interval, Consumer<String> onSilent,
            java.util.function.BooleanSupplier speak) {
        long period = Math.max(1, interval.toNanos() / 2);
        ScheduledFuture<?> task = ctx.executor().scheduleAtFixedRate(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (liveness.peerSilent()) {
                onSilent.accept("peer silent for " + liveness.silenceNanos() / 1_000_000 + " ms");
                ctx.close();
            } else if (speak.getAsBoolean() && liveness.heartbeatDue()) {
                ctx.writeAndFlush(liveness.nextHeartbeat());
            }
        }, period, period, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> task.cancel(false));
    }
}
