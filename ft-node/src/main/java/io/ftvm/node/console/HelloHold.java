package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleMessage.Hello;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client's HELLO held on its connection's event loop while this host takes the VM over
 * ({@link ServingState.Arriving}), or may be about to ({@link ServingState.NotServing#standbyHere}): {@code check}
 * runs there on each change of the VM's backend and when the standby hold ends (with false), and once the whole hold's
 * time is up (with true), until {@link #release}. The handler decides, on each check, whether to answer.
 */
final class HelloHold {
    private final ChannelHandlerContext ctx;
    private final Hello hello;
    private final ConsoleServer.VmConsole vm;
    private final Runnable listener;
    private final ScheduledFuture<?> timer;
    private final ScheduledFuture<?> standbyTimer;
    private final long standbyEndNanos;
    private boolean released;

    HelloHold(ChannelHandlerContext ctx, Hello hello, ConsoleServer.VmConsole vm, Duration limit,
            Duration standbyLimit, Consumer<Boolean> check) {
        this.ctx = ctx;
        this.hello = hello;
        this.vm = vm;
        this.listener = () -> onLoop(() -> check.accept(false));
        vm.backend.addListener(listener);
        this.standbyEndNanos = System.nanoTime() + standbyLimit.toNanos();
        this.timer = ctx.executor().schedule(() -> check.accept(true), limit.toNanos(), TimeUnit.NANOSECONDS);
        this.standbyTimer = ctx.executor().schedule(() -> check.accept(false), standbyLimit.toNanos(),
                TimeUnit.NANOSECONDS);
        onLoop(() -> check.accept(false)); // the takeover may have ended before the listener was added
    }

    Hello hello() {
        return hello;
    }

    ConsoleServer.VmConsole vm() {
        return vm;
    }

    /** Whether the hold for a standby host to start taking over is still on. */
    boolean standbyHoldOn() {
        return standbyEndNanos - System.nanoTime() > 0;
    }

    /** Stops listening and the timer (on the event loop; idempotent). */
    void release() {
        if (!released) {
            released = true;
            vm.backend.removeListener(listener);
            timer.cancel(false);
            standbyTimer.cancel(false);
        }
    }

    private void onLoop(Runnable r) {
        try {
            ctx.executor().execute(r);
        } catch (RejectedExecutionException e) {
            ctx.channel().close(); // the loop is shutting down and closes the channel anyway
        }
    }
}
