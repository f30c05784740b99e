package io.ftvm.vmm.cpu;

/** Exception and interrupt codes of the RISC-V privileged architecture ({@code mcause} values). */
public final class Cause {
    public static final int INSTRUCTION_MISALIGNED = 0;
    public static final int INSTRUCTION_ACCESS_FAULT = 1;
    public static final int ILLEGAL_INSTRUCTION = 2;
    public static final int BREAKPOINT = 3;
    public static final int LOAD_MISALIGNED = 4;
    public static final int LOAD_ACCESS_FAULT = 5;
    public static final int STORE_MISALIGNED = 6;
    public static final int STORE_ACCESS_FAULT = 7;
    public static final int ECALL_FROM_U = 8;
    public static final int ECALL_FROM_S = 9;
    public static final int ECALL_FROM_M = 11;
    public static final int INSTRUCTION_PAGE_FAULT = 12;
    public static final int LOAD_PAGE_FAULT = 13;
    public static final int STORE_PAGE_FAULT = 15;

    /** Interrupt numbers (bit positions in mip/mie). */
    public static final int IRQ_S_SOFTWARE = 1;
    public static final int IRQ_M_SOFTWARE = 3;
    public static final int IRQ_S_TIMER = 5;
    public static final int IRQ_M_TIMER = 7;
    public static final int IRQ_S_EXTERNAL = 9;
    public static final int IRQ_M_EXTERNAL = 11;

    private static final String[] NAMES = {
        "instruction address misaligned", "instruction access fault", "illegal instruction", "breakpoint",
        "load address misaligned", "load access fault", "store/AMO address misaligned", "store/AMO access fault",
        "environment call from U-mode", "environment call from S-mode", "reserved (10)",
        "environment call from M-mode", "instruction page fault", "load page fault", "reserved (14)",
        "store/AMO page fault",
    };

    private Cause() {
    }

    public static String name(int cause) {
        return cause >= 0 && cause < NAMES.length ? NAMES[cause] : "exception " + cause;
    }
}
