/**
 * Record and replay: the nondeterminism log ({@link io.ftvm.vmm.replay.Event}, {@link io.ftvm.vmm.replay.EventLog},
 * in memory or as a checksummed recording file), record mode ({@link io.ftvm.vmm.replay.RecordDriver}: slices,
 * input delivery, real-time idle, digests) and replay mode ({@link io.ftvm.vmm.replay.ReplayDriver}: exact
 * re-execution with digest checks and divergence reports). Knows the machine only through its public API; knows
 * nothing of networks (the replication protocol carries these entries later).
 */
package io.ftvm.vmm.replay;
