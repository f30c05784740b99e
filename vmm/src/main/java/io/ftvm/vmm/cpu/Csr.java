package io.ftvm.vmm.cpu;

/** CSR numbers and mstatus/mip field masks used by the hart. */
public final class Csr {
    public static final int SSTATUS = 0x100;
    public static final int SIE = 0x104;
    public static final int STVEC = 0x105;
    public static final int SCOUNTEREN = 0x106;
    public static final int SENVCFG = 0x10a;
    public static final int SSCRATCH = 0x140;
    public static final int SEPC = 0x141;
    public static final int SCAUSE = 0x142;
    public static final int STVAL = 0x143;
    public static final int SIP = 0x144;
    public static final int SATP = 0x180;

    public static final int MSTATUS = 0x300;
    public static final int MISA = 0x301;
    public static final int MEDELEG = 0x302;
    public static final int MIDELEG = 0x303;
    public static final int MIE = 0x304;
    public static final int MTVEC = 0x305;
    public static final int MCOUNTEREN = 0x306;
    public static final int MENVCFG = 0x30a;
    public static final int MCOUNTINHIBIT = 0x320;
    public static final int MHPMEVENT3 = 0x323;
    public static final int MHPMEVENT31 = 0x33f;
    public static final int MSCRATCH = 0x340;
    public static final int MEPC = 0x341;
    public static final int MCAUSE = 0x342;
    public static final int MTVAL = 0x343;
    public static final int MIP = 0x344;
    public static final int PMPCFG0 = 0x3a0;
    public static final int PMPCFG2 = 0x3a2;
    public static final int PMPADDR0 = 0x3b0;
    public static final int PMPADDR15 = 0x3bf;
    public static final int TSELECT = 0x7a0;
    public static final int TDATA1 = 0x7a1;
    public static final int TDATA3 = 0x7a3;
    public static final int MCYCLE = 0xb00;
    public static final int MINSTRET = 0xb02;
    public static final int MHPMCOUNTER3 = 0xb03;
    public static final int MHPMCOUNTER31 = 0xb1f;
    public static final int CYCLE = 0xc00;
    public static final int TIME = 0xc01;
    public static final int INSTRET = 0xc02;
    public static final int HPMCOUNTER31 = 0xc1f;
    public static final int MVENDORID = 0xf11;
    public static final int MARCHID = 0xf12;
    public static final int MIMPID = 0xf13;
    public static final int MHARTID = 0xf14;
    public static final int MCONFIGPTR = 0xf15;

    public static final long SIE_BIT = 1L << 1;
    public static final long MIE_BIT = 1L << 3;
    public static final long SPIE = 1L << 5;
    public static final long MPIE = 1L << 7;
    public static final long SPP = 1L << 8;
    public static final int MPP_SHIFT = 11;
    public static final long MPP = 3L << MPP_SHIFT;
    public static final long FS = 3L << 13;
    public static final long MPRV = 1L << 17;
    public static final long SUM = 1L << 18;
    public static final long MXR = 1L << 19;
    public static final long TVM = 1L << 20;
    public static final long TW = 1L << 21;
    public static final long TSR = 1L << 22;
    public static final long UXL_SXL_64 = (2L << 32) | (2L << 34);

    public static final long MSTATUS_WRITABLE =
            SIE_BIT | MIE_BIT | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    /** The fields of mstatus visible through sstatus. */
    public static final long SSTATUS_MASK = SIE_BIT | SPIE | SPP | FS | (3L << 15) | SUM | MXR | (3L << 32)
            | (1L << 63);
    public static final long SSTATUS_WRITABLE = SIE_BIT | SPIE | SPP | FS | SUM | MXR;

    public static final long SSIP = 1L << Cause.IRQ_S_SOFTWARE;
    public static final long MSIP = 1L << Cause.IRQ_M_SOFTWARE;
    public static final long STIP = 1L << Cause.IRQ_S_TIMER;
    public static final long MTIP = 1L << Cause.IRQ_M_TIMER;
    public static final long SEIP = 1L << Cause.IRQ_S_EXTERNAL;
    public static final long MEIP = 1L << Cause.IRQ_M_EXTERNAL;
    public static final long S_INTERRUPTS = SSIP | STIP | SEIP;
    public static final long ALL_INTERRUPTS = S_INTERRUPTS | MSIP | MTIP | MEIP;

    /** misa: MXL=64, extensions A, C, D, F, I, M, S, U. */
    public static final long MISA_VALUE = (2L << 62) | (1L << 0) | (1L << 2) | (1L << 3) | (1L << 5) | (1L << 8)
            | (1L << 12) | (1L << 18) | (1L << 20);

    /** The floating-point CSRs (user level; illegal while mstatus.FS is Off). */
    public static final int FFLAGS = 0x001;
    public static final int FRM = 0x002;
    public static final int FCSR = 0x003;

    private Csr() {
    }
}
