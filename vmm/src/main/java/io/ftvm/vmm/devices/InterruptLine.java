package io.ftvm.vmm.devices;

/** A level-triggered interrupt output of a device (wired to an interrupt controller by the board). */
@FunctionalInterface
public interface InterruptLine {
    /** A line that goes nowhere, for boards without an interrupt controller for this device. */
    InterruptLine NONE = level -> { };

    void set(boolean level);
}
