package io.ftvm.vmm.devices.clint;

/** The state of a {@link Clint}, for snapshots (mtime belongs to the virtual clock). */
public record ClintState(long msip, long mtimecmp) {
}
