package io.ftvm.coordinator;

/** What the operator asked for in the VM's spec: whether the cluster manager keeps a backup for it. */
public enum DesiredProtection {
    /** The manager places a backup whenever the VM runs without one. */
    PROTECTED,
    /** The VM runs alone; the manager leaves it be (fault tolerance turned off). */
    NONE,
    /**
     * Fault tolerance is on but suspended by the operator: the backup is dropped and none is placed until it is
     * resumed (a maintenance window on the backup hosts, say).
     */
    SUSPENDED
}
