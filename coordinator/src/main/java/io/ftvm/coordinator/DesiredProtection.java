package io.ftvm.coordinator;

/** What the operator asked for in the VM's spec: whether the cluster manager keeps a backup for it. */
public enum DesiredProtection {
    /** The manager places a backup whenever the VM runs without one. */
    PROTECTED,
    /** The VM runs alone; the manager leaves it be. */
    NONE
}
