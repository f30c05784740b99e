package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Csr.*;

import io.ftvm.vmm.memory.Hasher;

/**
 * The control and status registers of the hart, with the access rules of the privileged specification:
 * privilege level encoded in the CSR number, read-only ranges, counter enables (mcounteren/scounteren),
 * mstatus.TVM for satp, and the sstatus/sie/sip views of their machine-level registers. Fields are WARL and
 * legalised on write. Unimplemented CSRs raise an illegal-instruction exception.
 *
 * <p>Counters: {@code cycle} and {@code instret} both count retired instructions (one instruction per cycle), and
 * {@code time} comes from the platform's virtual clock; none of them depends on host time.
 */
public final class CsrFile {
    /** Number of implemented PMP entries (storage only; PMP is not enforced). */
    public static final int PMP_ENTRIES = 16;
    private static final long PMPADDR_MASK = (1L << 54) - 1;

    private final Cpu cpu;
    private final HartPlatform platform;

    long mstatus = UXL_SXL_64;
    long medeleg;
    long mideleg;
    long mie;
    long mipSoft;
    long mtvec;
    long stvec;
    long mcounteren;
    long scounteren;
    long mscratch;
    long sscratch;
    long mepc;
    long sepc;
    long mcause;
    long scause;
    long mtval;
    long stval;
    long satp;
    long menvcfg;
    long senvcfg;
    long mcountinhibit;
    long cycleOffset;
    long instretOffset;
    final long[] pmpcfg = new long[2];
    final long[] pmpaddr = new long[PMP_ENTRIES];

    CsrFile(Cpu cpu, HartPlatform platform) {
        this.cpu = cpu;
        this.platform = platform;
    }

    /** Number of values {@link #save()} produces. */
    static final int SAVED_FIELDS = 25 + PMP_ENTRIES;

    /** Every CSR's state as a flat array, in a fixed order (the snapshot format depends on it). */
    long[] save() {
        long[] f = {mstatus, medeleg, mideleg, mie, mipSoft, mtvec, stvec, mcounteren, scounteren, mscratch,
            sscratch, mepc, sepc, mcause, scause, mtval, stval, satp, menvcfg, senvcfg, mcountinhibit, cycleOffset,
            instretOffset, pmpcfg[0], pmpcfg[1]};
        long[] all = java.util.Arrays.copyOf(f, SAVED_FIELDS);
        System.arraycopy(pmpaddr, 0, all, f.length, PMP_ENTRIES);
        return all;
    }

    void restore(long[] f) {
        if (f.length != SAVED_FIELDS) {
            throw new IllegalArgumentException("CSR state has " + f.length + " fields, expected " + SAVED_FIELDS);
        }
        int i = 0;
        mstatus = f[i++]; medeleg = f[i++]; mideleg = f[i++]; mie = f[i++]; mipSoft = f[i++]; mtvec = f[i++];
        stvec = f[i++]; mcounteren = f[i++]; scounteren = f[i++]; mscratch = f[i++]; sscratch = f[i++];
        mepc = f[i++]; sepc = f[i++]; mcause = f[i++]; scause = f[i++]; mtval = f[i++]; stval = f[i++];
        satp = f[i++]; menvcfg = f[i++]; senvcfg = f[i++]; mcountinhibit = f[i++]; cycleOffset = f[i++];
        instretOffset = f[i++]; pmpcfg[0] = f[i++]; pmpcfg[1] = f[i++];
        System.arraycopy(f, i, pmpaddr, 0, PMP_ENTRIES);
        String bad = ((mstatus & MPP) >>> MPP_SHIFT) == 2 ? "mstatus.MPP = 2"
                : (mtvec & 3) > 1 ? "mtvec mode " + (mtvec & 3)
                : (stvec & 3) > 1 ? "stvec mode " + (stvec & 3)
                : ((mepc | sepc) & 1) != 0 ? "odd mepc/sepc"
                : (satp >>> 60) != 0 && (satp >>> 60) != 8 ? "satp mode " + (satp >>> 60)
                : null;
        if (bad != null) {
            throw new IllegalArgumentException("invalid CSR state: " + bad);
        }
        mideleg &= S_INTERRUPTS;
        medeleg &= DELEGABLE_EXCEPTIONS;
        mie &= ALL_INTERRUPTS;
        mipSoft &= S_INTERRUPTS;
    }

    /** Adds every CSR's state to a state digest. */
    void hashState(Hasher h) {
        h.put(mstatus).put(medeleg).put(mideleg).put(mie).put(mipSoft).put(mtvec).put(stvec).put(mcounteren)
                .put(scounteren).put(mscratch).put(sscratch).put(mepc).put(sepc).put(mcause).put(scause)
                .put(mtval).put(stval).put(satp).put(menvcfg).put(senvcfg).put(mcountinhibit).put(cycleOffset)
                .put(instretOffset).put(pmpcfg[0]).put(pmpcfg[1]);
        for (long a : pmpaddr) {
            h.put(a);
        }
    }

    /** Exception codes that may be delegated to S-mode (ecall from M cannot be). */
    static final long DELEGABLE_EXCEPTIONS = 0xb3ffL;

    /** Sets mip.SSIP, as an M-mode firmware delivering an IPI to this hart does. */
    public void raiseSupervisorSoftwareInterrupt() {
        mipSoft |= SSIP;
    }

    /** See {@link Cpu#enterSupervisor}: the delegation, counter and PMP set-up of a firmware. */
    void delegateToSupervisor() {
        medeleg = DELEGABLE_EXCEPTIONS & ~(1L << Cause.ECALL_FROM_S);
        mideleg = S_INTERRUPTS;
        mcounteren = 0xffffffffL;
        scounteren = 7; // cycle, time and instret readable from U-mode, as OpenSBI leaves it (Linux never sets it)
        pmpaddr[0] = -1L >>> 10;
        pmpcfg[0] = (pmpcfg[0] & ~0xffL) | 0x1f; // NAPOT, read, write, execute
    }

    /** Checks access rules; throws an illegal-instruction trap carrying {@code insn} as tval. */
    void checkAccess(int csr, boolean write, int insnBits) {
        int priv = cpu.privilege();
        if (((csr >>> 8) & 3) > priv) {
            throw illegal(insnBits);
        }
        if (write && (csr >>> 10) == 3) {
            throw illegal(insnBits);
        }
        if (csr == SATP && priv == Privilege.SUPERVISOR && (mstatus & TVM) != 0) {
            throw illegal(insnBits);
        }
        if (csr >= CYCLE && csr <= HPMCOUNTER31 && priv < Privilege.MACHINE) {
            long bit = 1L << (csr & 0x1f);
            if ((mcounteren & bit) == 0 || (priv == Privilege.USER && (scounteren & bit) == 0)) {
                throw illegal(insnBits);
            }
        }
    }

    private static Trap illegal(int insnBits) {
        return new Trap(Cause.ILLEGAL_INSTRUCTION, insnBits & 0xffffffffL);
    }

    /**
     * Reads a CSR's current value without access checks or side effects, for tools and the board.
     *
     * @throws IllegalArgumentException if the CSR is not implemented
     */
    public long peek(int csr) {
        try {
            return read(csr, 0);
        } catch (Trap t) {
            throw new IllegalArgumentException("CSR 0x" + Integer.toHexString(csr) + " is not implemented");
        }
    }

    long mip() {
        return mipSoft | platform.interruptLines(cpu.icount());
    }

    /**
     * The value a CSR read-modify-write instruction modifies: as {@link #read}, except that mip's SEIP is only the
     * software-writable bit, not the PLIC's line (privileged spec 3.1.9: CSRRS/CSRRC read only the writable SEIP
     * bit). Otherwise an M-mode firmware clearing STIP would latch a momentary external interrupt into mip forever.
     */
    long readForUpdate(int csr, int insnBits) {
        if (csr == MIP) {
            return mipSoft | (platform.interruptLines(cpu.icount()) & ~SEIP);
        }
        return read(csr, insnBits);
    }

    /** Reads a CSR whose access was already checked. */
    long read(int csr, int insnBits) {
        switch (csr) {
            case FFLAGS: return fp(insnBits).flags();
            case FRM: return fp(insnBits).frm;
            case FCSR: return fp(insnBits).fcsr();
            case SSTATUS: return sstatusView();
            case SIE: return mie & mideleg;
            case STVEC: return stvec;
            case SCOUNTEREN: return scounteren;
            case SENVCFG: return senvcfg;
            case SSCRATCH: return sscratch;
            case SEPC: return sepc;
            case SCAUSE: return scause;
            case STVAL: return stval;
            case SIP: return mip() & mideleg;
            case SATP: return satp;
            case MSTATUS: return mstatusView();
            case MISA: return MISA_VALUE;
            case MEDELEG: return medeleg;
            case MIDELEG: return mideleg;
            case MIE: return mie;
            case MTVEC: return mtvec;
            case MCOUNTEREN: return mcounteren;
            case MENVCFG: return menvcfg;
            case MCOUNTINHIBIT: return mcountinhibit;
            case MSCRATCH: return mscratch;
            case MEPC: return mepc;
            case MCAUSE: return mcause;
            case MTVAL: return mtval;
            case MIP: return mip();
            case PMPCFG0: return pmpcfg[0];
            case PMPCFG2: return pmpcfg[1];
            case TSELECT: case TDATA1: case TDATA1 + 1: case TDATA3: return 0;
            case MCYCLE: case CYCLE: return cpu.icount() + cycleOffset;
            case MINSTRET: case INSTRET: return cpu.icount() + instretOffset;
            case TIME: return platform.time(cpu.icount());
            case MVENDORID: case MARCHID: case MIMPID: case MHARTID: case MCONFIGPTR: return 0;
            default:
                if (csr >= PMPADDR0 && csr <= PMPADDR15) {
                    return pmpaddr[csr - PMPADDR0];
                }
                if ((csr >= MHPMCOUNTER3 && csr <= MHPMCOUNTER31) || (csr >= MHPMEVENT3 && csr <= MHPMEVENT31)
                        || (csr > TIME + 1 && csr <= HPMCOUNTER31)) {
                    return 0;
                }
                throw illegal(insnBits);
        }
    }

    /** Writes a CSR whose access was already checked. */
    void write(int csr, long v, int insnBits) {
        switch (csr) {
            case FFLAGS: fp(insnBits).setFlags((int) v & 0x1f); mstatus |= FS; break;
            case FRM: fp(insnBits).frm = (int) v & 7; mstatus |= FS; break;
            case FCSR: fp(insnBits).setFcsr(v & 0xff); mstatus |= FS; break;
            case SSTATUS: writeMstatus((mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE)); break;
            case SIE: mie = (mie & ~mideleg) | (v & mideleg); break;
            case STVEC: if ((v & 3) < 2) { stvec = v; } break;
            case SCOUNTEREN: scounteren = v & 0xffffffffL; break;
            case SENVCFG: senvcfg = v & 1; break;
            case SSCRATCH: sscratch = v; break;
            case SEPC: sepc = v & ~1L; break;
            case SCAUSE: scause = v; break;
            case STVAL: stval = v; break;
            case SIP: mipSoft = (mipSoft & ~(mideleg & SSIP)) | (v & mideleg & SSIP); break;
            case SATP: writeSatp(v); break;
            case MSTATUS: writeMstatus(v); break;
            case MISA: break;
            case MEDELEG: medeleg = v & DELEGABLE_EXCEPTIONS; break;
            case MIDELEG: mideleg = v & S_INTERRUPTS; break;
            case MIE: mie = v & ALL_INTERRUPTS; break;
            case MTVEC: if ((v & 3) < 2) { mtvec = v; } break;
            case MCOUNTEREN: mcounteren = v & 0xffffffffL; break;
            case MENVCFG: menvcfg = v & 1; break;
            case MCOUNTINHIBIT: mcountinhibit = v & 0xfffffffdL; break;
            case MSCRATCH: mscratch = v; break;
            case MEPC: mepc = v & ~1L; break;
            case MCAUSE: mcause = v; break;
            case MTVAL: mtval = v; break;
            case MIP: mipSoft = v & S_INTERRUPTS; break;
            case PMPCFG0: pmpcfg[0] = v; break;
            case PMPCFG2: pmpcfg[1] = v; break;
            case TSELECT: case TDATA1: case TDATA1 + 1: case TDATA3: break;
            // The writing instruction retires after the write: the next instruction reads the written value.
            case MCYCLE: cycleOffset = v - (cpu.icount() + 1); break;
            case MINSTRET: instretOffset = v - (cpu.icount() + 1); break;
            default:
                if (csr >= PMPADDR0 && csr <= PMPADDR15) {
                    pmpaddr[csr - PMPADDR0] = v & PMPADDR_MASK;
                    break;
                }
                if ((csr >= MHPMCOUNTER3 && csr <= MHPMCOUNTER31) || (csr >= MHPMEVENT3 && csr <= MHPMEVENT31)) {
                    break;
                }
                throw illegal(insnBits);
        }
    }

    /** The floating-point unit, for its CSRs: illegal while mstatus.FS is Off. */
    private FpUnit fp(int insnBits) {
        if ((mstatus & FS) == 0) {
            throw illegal(insnBits);
        }
        return cpu.fp;
    }

    private long mstatusView() {
        long fs = mstatus & FS;
        return fs == FS ? mstatus | (1L << 63) : mstatus;
    }

    private long sstatusView() {
        return mstatusView() & SSTATUS_MASK;
    }

    void writeMstatus(long v) {
        long nv = (mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
        if (((nv & MPP) >>> MPP_SHIFT) == 2) {
            nv = (nv & ~MPP) | (mstatus & MPP);
        }
        long changed = nv ^ mstatus;
        mstatus = nv;
        if ((changed & (MPRV | MPP | SUM | MXR)) != 0) {
            cpu.translationChanged();
        }
    }

    private void writeSatp(long v) {
        long mode = v >>> 60;
        if (mode != 0 && mode != 8) {
            return;
        }
        satp = v;
        cpu.translationChanged();
    }
}
