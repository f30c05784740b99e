package io.ftvm.vmm.board;

import io.ftvm.vmm.devices.clint.Clint;
import java.util.function.LongSupplier;

/**
 * Guest time as a function of the instruction count: {@code mtime = icount / instructionsPerTick + offset}.
 * The offset changes only when the guest writes mtime or when the driver advances time across an idle period, so
 * every run with the same inputs sees the same time at the same instruction.
 */
public final class VirtualTime implements Clint.VirtualClock {
    private final long instructionsPerTick;
    private final LongSupplier icount;
    private long offset;

    public VirtualTime(long instructionsPerTick, LongSupplier icount) {
        this.instructionsPerTick = instructionsPerTick;
        this.icount = icount;
    }

    public long at(long icount) {
        return icount / instructionsPerTick + offset;
    }

    @Override
    public long now() {
        return at(icount.getAsLong());
    }

    @Override
    public void set(long ticks) {
        offset = ticks - icount.getAsLong() / instructionsPerTick;
    }

    /** Moves time forward by {@code ticks} without executing instructions (an idle period). */
    public void advance(long ticks) {
        if (ticks < 0) {
            throw new IllegalArgumentException("time cannot go backwards: " + ticks);
        }
        offset += ticks;
    }

    /**
     * The first instruction count {@code > icount} at which {@code mtime >= deadline} (unsigned) becomes true, or
     * {@link Long#MAX_VALUE} if it already holds or will not within the range of a long.
     */
    public long firstIcountReaching(long deadline, long icount) {
        if (Long.compareUnsigned(at(icount), deadline) >= 0) {
            return Long.MAX_VALUE;
        }
        long ticksFromOffset = deadline - offset;
        if (ticksFromOffset < 0 || ticksFromOffset > Long.MAX_VALUE / instructionsPerTick) {
            return Long.MAX_VALUE;
        }
        return Math.max(icount + 1, ticksFromOffset * instructionsPerTick);
    }

    /** Restores the offset from a snapshot. */
    public void restoreOffset(long offset) {
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
