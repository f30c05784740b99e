/**
 * Snapshots: the whole machine (hart, CSRs, devices, virtual time, RAM) saved to and restored from a versioned,
 * checksummed stream ({@link io.ftvm.vmm.snapshot.SnapshotFile}). Dirty-page tracking for incremental snapshots
 * lives in {@link io.ftvm.vmm.memory.Ram}.
 */
package io.ftvm.vmm.snapshot;
