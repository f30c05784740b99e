package io.ftvm.vmm.devices.rtc;

import io.ftvm.vmm.devices.InterruptLine;
import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.MmioDevice;
import java.util.function.LongSupplier;

/**
 * The Goldfish real-time clock QEMU's virt machine has at 0x10_1000 (Linux: {@code rtc-goldfish}). Its time is
 * deterministic: the boot wall clock (a logged input, set once by the driver) plus the guest's virtual time, in
 * nanoseconds since the Unix epoch. Reading TIME_LOW latches the high half for the following TIME_HIGH read. The
 * alarm registers are kept; the alarm fires its interrupt line when virtual time passes it (checked on access).
 */
public final class GoldfishRtc implements MmioDevice {
    public static final long SIZE = 0x1000;
    private static final int TIME_LOW = 0x00;
    private static final int TIME_HIGH = 0x04;
    private static final int ALARM_LOW = 0x08;
    private static final int ALARM_HIGH = 0x0c;
    private static final int IRQ_ENABLED = 0x10;
    private static final int CLEAR_ALARM = 0x14;
    private static final int ALARM_STATUS = 0x18;
    private static final int CLEAR_INTERRUPT = 0x1c;

    private final LongSupplier virtualNanos;
    private final InterruptLine irq;
    private long bootUnixNanos;
    private long latchedHigh;
    private long alarm;
    private boolean alarmArmed;
    private boolean irqEnabled;
    private boolean irqPending;

    /** {@code virtualNanos}: guest time since boot in nanoseconds. */
    public GoldfishRtc(LongSupplier virtualNanos, InterruptLine irq) {
        this.virtualNanos = virtualNanos;
        this.irq = irq;
    }

    /** Sets the wall-clock time of boot (virtual time 0), in nanoseconds since the Unix epoch. */
    public void setBootTime(long unixNanos) {
        bootUnixNanos = unixNanos;
    }

    public long bootTime() {
        return bootUnixNanos;
    }

    /** The clock's current value, nanoseconds since the Unix epoch. */
    public long now() {
        return bootUnixNanos + virtualNanos.getAsLong();
    }

    @Override
    public long read(long offset, int size) {
        checkAlarm();
        switch ((int) offset) {
            case TIME_LOW: {
                long t = now();
                latchedHigh = t >>> 32;
                return t & 0xffffffffL;
            }
            case TIME_HIGH: return latchedHigh;
            case ALARM_LOW: return alarm & 0xffffffffL;
            case ALARM_HIGH: return alarm >>> 32;
            case IRQ_ENABLED: return irqEnabled ? 1 : 0;
            case ALARM_STATUS: return alarmArmed ? 1 : 0;
            default: return 0;
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        long v = value & 0xffffffffL;
        switch ((int) offset) {
            case ALARM_HIGH: alarm = (alarm & 0xffffffffL) | (v << 32); break;
            case ALARM_LOW:
                alarm = (alarm & ~0xffffffffL) | v;
                alarmArmed = true;
                break;
            case IRQ_ENABLED: irqEnabled = (v & 1) != 0; break;
            case CLEAR_ALARM: alarmArmed = false; break;
            case CLEAR_INTERRUPT: irqPending = false; break;
            default: break;
        }
        checkAlarm();
    }

    private void checkAlarm() {
        if (alarmArmed && Long.compareUnsigned(now(), alarm) >= 0) {
            alarmArmed = false;
            irqPending = true;
        }
        irq.set(irqEnabled && irqPending);
    }

    public RtcState state() {
        return new RtcState(bootUnixNanos, latchedHigh, alarm, alarmArmed, irqEnabled, irqPending);
    }

    public void restore(RtcState s) {
        bootUnixNanos = s.bootUnixNanos();
        latchedHigh = s.latchedHigh();
        alarm = s.alarm();
        alarmArmed = s.alarmArmed();
        irqEnabled = s.irqEnabled();
        irqPending = s.irqPending();
    }

    public void hashState(Hasher h) {
        h.put(bootUnixNanos).put(latchedHigh).put(alarm).put(alarmArmed).put(irqEnabled).put(irqPending);
    }
}
