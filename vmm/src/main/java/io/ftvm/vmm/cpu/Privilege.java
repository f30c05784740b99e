package io.ftvm.vmm.cpu;

/** Privilege levels as encoded in mstatus.MPP and the hart's current mode. */
public final class Privilege {
    public static final int USER = 0;
    public static final int SUPERVISOR = 1;
    public static final int MACHINE = 3;

    private Privilege() {
    }

    public static String name(int level) {
        switch (level) {
            case USER: return "U";
            case SUPERVISOR: return "S";
            case MACHINE: return "M";
            default: return "reserved(" + level + ")";
        }
    }
}
