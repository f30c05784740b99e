package io.ftvm.vmm.devices.rtc;

/** The state of a {@link GoldfishRtc}, for snapshots. */
public record RtcState(long bootUnixNanos, long latchedHigh, long alarm, boolean alarmArmed, boolean irqEnabled,
        boolean irqPending) {
}
