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
        long period = Math.max(1, interval.toNanos() / 2);
        ScheduledFuture<?> task = ctx.executor().scheduleAtFixedRate(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (liveness.peerSilent()) {
                onSilent.accept("peer silent for " + liveness.silenceNanos() / 1_000_000 + " ms");
                ctx.close();
            } else if (liveness.heartbeatDue()) {
                ctx.writeAndFlush(liveness.nextHeartbeat());
            }
        }, period, period, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> task.cancel(false));
    }
}
