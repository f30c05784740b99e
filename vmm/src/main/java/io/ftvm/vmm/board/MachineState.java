package io.ftvm.vmm.board;

import io.ftvm.vmm.cpu.HartState;
import io.ftvm.vmm.devices.clint.ClintState;
import io.ftvm.vmm.devices.rtc.RtcState;
import io.ftvm.vmm.devices.uart.UartState;

/**
 * Everything about a {@link Machine} except RAM contents, for snapshots: the hart, the devices, virtual time, the
 * console offset, whether (and how) the guest stopped ({@code stopReason} null while running) and the builtin SBI's
 * timer compare value ({@code -1} when never set or without builtin firmware) and each virtio slot's state.
 */
public record MachineState(MachineConfig config, HartState hart, UartState uart, ClintState clint, RtcState rtc,
        io.ftvm.vmm.devices.plic.PlicState plic, long timeOffset, long consoleOffset, RunResult.Reason stopReason,
        int exitCode, long sbiTimerCompare, VirtioState[] virtio) {

    /**
     * One virtio slot: the transport's registers and queues, the device's own state, and for a disk the content
     * hash of its image when the state was taken (0 for other devices).
     */
    public record VirtioState(long[] transport, long[] device, long diskHash) {
    }
}
