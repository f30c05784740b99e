package io.ftvm.primary;

import io.ftvm.vmm.board.OutputSink;

/**
 * The machine's output sink (console bytes and network frames), pointed at whichever role owns the console now: a backup's replay history, then, after
 * a takeover, the new primary's {@link OutputGate}. Switch it only on the machine's thread or while it is paused.
 */
public final class ConsoleRouter implements OutputSink {
    private volatile OutputSink target;

    public ConsoleRouter(OutputSink initial) {
        this.target = initial;
    }

    public void route(OutputSink to) {
        this.target = to;
    }

    @Override
    public void console(long icount, long offset, int b) {
        target.console(icount, offset, b);
    }

    @Override
    public void frame(long icount, byte[] frame) {
        target.frame(icount, frame);
    }
}
