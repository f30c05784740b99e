/**
 * The primary role of a protected VM: runs the machine in record mode, ships its nondeterminism log to the backup
 * ({@link io.ftvm.primary.ShippingEventLog}), holds console output until the backup has acknowledged the log up to
 * it (the Output Rule, {@link io.ftvm.primary.OutputGate}), throttles the VM under backpressure, brings a new backup
 * in with a snapshot, and decides what to do when the backup falls silent ({@link io.ftvm.primary.PrimaryRole}).
 * It knows nothing of ZooKeeper: role changes go through {@link io.ftvm.primary.RoleAuthority}.
 */
package io.ftvm.primary;
