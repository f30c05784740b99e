package io.ftvm.vmm.devices.clint;

import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.MmioDevice;

/**
 * The core-local interruptor of one hart (SiFive CLINT layout, as on QEMU's virt machine): {@code msip} at 0x0,
 * {@code mtimecmp} at 0x4000 and {@code mtime} at 0xBFF8. Time comes from a {@link VirtualClock}, so the timer
 * interrupt rises at an exact instruction count.
 */
public final class Clint implements MmioDevice {
    public static final long SIZE = 0x10000;
    private static final int MSIP = 0x0;
    private static final int MTIMECMP = 0x4000;
    private static final int MTIME = 0xbff8;

    /** The time base: guest ticks as a function of the instruction count. */
    public interface VirtualClock {
        long now();

        void set(long ticks);
    }

    private final VirtualClock clock;
    private long msip;
    private long mtimecmp = -1L;

    public Clint(VirtualClock clock) {
        this.clock = clock;
    }

    /** Adds msip and mtimecmp to a state digest (mtime belongs to the virtual clock). */
    public void hashState(Hasher h) {
        h.put(msip).put(mtimecmp);
    }

    public ClintState state() {
        return new ClintState(msip, mtimecmp);
    }

    public void restore(ClintState s) {
        msip = s.msip() & 1;
        mtimecmp = s.mtimecmp();
    }

    public boolean softwareInterruptPending() {
        return (msip & 1) != 0;
    }

    /** The compare value (unsigned). */
    public long mtimecmp() {
        return mtimecmp;
    }

    @Override
    public long read(long offset, int size) {
        int o = (int) offset;
        if (o >= MSIP && o < MSIP + 4) {
            return slice(msip, o - MSIP, size);
        }
        if (o >= MTIMECMP && o < MTIMECMP + 8) {
            return slice(mtimecmp, o - MTIMECMP, size);
        }
        if (o >= MTIME && o < MTIME + 8) {
            return slice(clock.now(), o - MTIME, size);
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        int o = (int) offset;
        if (o >= MSIP && o < MSIP + 4) {
            msip = merge(msip, o - MSIP, size, value) & 1;
        } else if (o >= MTIMECMP && o < MTIMECMP + 8) {
            mtimecmp = merge(mtimecmp, o - MTIMECMP, size, value);
        } else if (o >= MTIME && o < MTIME + 8) {
            clock.set(merge(clock.now(), o - MTIME, size, value));
        }
    }

    private static long slice(long reg, int byteOffset, int size) {
        long v = reg >>> (8 * byteOffset);
        return size >= 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    private static long merge(long reg, int byteOffset, int size, long value) {
        long mask = size >= 8 ? -1L : (1L << (8 * size)) - 1;
        int shift = 8 * byteOffset;
        return (reg & ~(mask << shift)) | ((value & mask) << shift);
    }
}
