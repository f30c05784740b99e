package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Csr.*;

import io.ftvm.vmm.memory.Hasher;

/**
 * The privileged side of the hart: CSR instructions, ECALL/EBREAK, xRET, WFI, SFENCE.VMA, the A extension
 * (LR/SC and AMOs), trap entry with delegation and vectored/direct tvec, and interrupt selection by the
 * specification's priority order. Only {@link Cpu} calls it.
 */
final class SystemUnit {
    /** Interrupts in decreasing priority: MEI, MSI, MTI, SEI, SSI, STI. */
    private static final int[] PRIORITY = {
        Cause.IRQ_M_EXTERNAL, Cause.IRQ_M_SOFTWARE, Cause.IRQ_M_TIMER,
        Cause.IRQ_S_EXTERNAL, Cause.IRQ_S_SOFTWARE, Cause.IRQ_S_TIMER,
    };

    private final Cpu cpu;
    private final CsrFile csrs;
    private final Mmu mmu;

    private long reservationAddress = -1;
    private long reservationValue;

    SystemUnit(Cpu cpu, CsrFile csrs, Mmu mmu) {
        this.cpu = cpu;
        this.csrs = csrs;
        this.mmu = mmu;
    }

    long reservationAddress() {
        return reservationAddress;
    }

    long reservationValue() {
        return reservationValue;
    }

    void restoreReservation(long address, long value) {
        reservationAddress = address;
        reservationValue = value;
    }

    /** Adds the LR/SC reservation to a state digest. */
    void hashState(Hasher h) {
        h.put(reservationAddress).put(reservationValue);
    }

    /** Executes a non-common instruction and returns the next pc. */
    long execute(long d, long pc, long next, long[] x) {
        int op = Op.op(d);
        int rd = Op.rd(d);
        int rs1 = Op.rs1(d);
        int imm = Op.imm(d);
        switch (op) {
            case Op.CSRRW: case Op.CSRRS: case Op.CSRRC:
            case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
                csrInstruction(op, d, rd, rs1, imm, x);
                return next;
            case Op.ECALL:
                if (cpu.privilege() == Privilege.SUPERVISOR && cpu.platform().firmwareCall(x)) {
                    cpu.endBlock(); // the call may have changed interrupt state, time or stopped the machine
                    return next;
                }
                throw new Trap(Cause.ECALL_FROM_U + cpu.privilege(), 0);
            case Op.EBREAK:
                throw new Trap(Cause.BREAKPOINT, 0); // tval 0 is allowed by the spec and is what QEMU writes
            case Op.MRET:
                return mret(d);
            case Op.SRET:
                return sret(d);
            case Op.WFI:
                if (cpu.privilege() == Privilege.USER
                        || (cpu.privilege() == Privilege.SUPERVISOR && (csrs.mstatus & TW) != 0)) {
                    throw illegal(d);
                }
                cpu.setWaiting(true);
                cpu.endBlock();
                return next;
            case Op.SFENCE_VMA:
                if (cpu.privilege() == Privilege.USER
                        || (cpu.privilege() == Privilege.SUPERVISOR && (csrs.mstatus & TVM) != 0)) {
                    throw illegal(d);
                }
                cpu.translationChanged();
                return next;
            case Op.LR_W: case Op.LR_D:
                loadReserved(op == Op.LR_D ? 8 : 4, rd, x[rs1], x);
                return next;
            case Op.SC_W: case Op.SC_D:
                storeConditional(op == Op.SC_D ? 8 : 4, rd, x[rs1], x[Op.rs2(d)], x);
                return next;
            case Op.AMO_W: case Op.AMO_D:
                amo(op == Op.AMO_D ? 8 : 4, imm, rd, x[rs1], x[Op.rs2(d)], x);
                return next;
            case Op.ILLEGAL:
            default:
                throw illegal(d);
        }
    }

    /** The instruction bits for the trap value of an illegal-instruction exception. */
    private static int rawBits(long d) {
        int op = Op.op(d);
        int rd = Op.rd(d) == Op.SINK ? 0 : Op.rd(d);
        switch (op) {
            case Op.ILLEGAL: return Op.imm(d);
            case Op.MRET: return 0x30200073;
            case Op.SRET: return 0x10200073;
            case Op.WFI: return 0x10500073;
            case Op.SFENCE_VMA: return 0x12000073 | (Op.rs2(d) << 20) | (Op.rs1(d) << 15);
            case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
                int f3 = op - Op.CSRRW + (op >= Op.CSRRWI ? 2 : 1);
                return (Op.imm(d) << 20) | (Op.rs1(d) << 15) | (f3 << 12) | (rd << 7) | 0x73;
            }
            default: return 0;
        }
    }

    private static Trap illegal(long d) {
        return new Trap(Cause.ILLEGAL_INSTRUCTION, rawBits(d) & 0xffffffffL);
    }

    private void csrInstruction(int op, long d, int rd, int rs1, int csr, long[] x) {
        boolean immediate = op >= Op.CSRRWI;
        long src = immediate ? rs1 : x[rs1];
        int kind = immediate ? op - Op.CSRRWI : op - Op.CSRRW; // 0 = write, 1 = set, 2 = clear
        boolean writes = kind == 0 || rs1 != 0;
        int bits = rawBits(d);
        csrs.checkAccess(csr, writes, bits);
        long old = csrs.read(csr, bits);
        if (writes) {
            long base = kind == 0 ? 0 : csrs.readForUpdate(csr, bits);
            long value = kind == 0 ? src : kind == 1 ? base | src : base & ~src;
            csrs.write(csr, value, bits);
            cpu.endBlock();
        }
        x[rd] = old;
    }

    private long mret(long d) {
        if (cpu.privilege() < Privilege.MACHINE) {
            throw illegal(d);
        }
        long ms = csrs.mstatus;
        int mpp = (int) ((ms & MPP) >>> MPP_SHIFT);
        ms = (ms & MPIE) != 0 ? ms | MIE_BIT : ms & ~MIE_BIT;
        ms = (ms | MPIE) & ~MPP;
        if (mpp != Privilege.MACHINE) {
            ms &= ~MPRV;
        }
        csrs.mstatus = ms;
        cpu.setPrivilege(mpp);
        return csrs.mepc;
    }

    private long sret(long d) {
        int priv = cpu.privilege();
        if (priv < Privilege.SUPERVISOR || (priv == Privilege.SUPERVISOR && (csrs.mstatus & TSR) != 0)) {
            throw illegal(d);
        }
        long ms = csrs.mstatus;
        int spp = (ms & SPP) != 0 ? Privilege.SUPERVISOR : Privilege.USER;
        ms = (ms & SPIE) != 0 ? ms | SIE_BIT : ms & ~SIE_BIT;
        ms = (ms | SPIE) & ~SPP & ~MPRV;
        csrs.mstatus = ms;
        cpu.setPrivilege(spp);
        return csrs.sepc;
    }

    // ---------------------------------------------------------------- traps and interrupts

    /** Enters the trap handler for an exception or interrupt at the current pc. */
    void enterTrap(int cause, long tval, boolean interrupt) {
        int priv = cpu.privilege();
        long pc = cpu.pc();
        long delegation = interrupt ? csrs.mideleg : csrs.medeleg;
        long causeValue = interrupt ? (1L << 63) | cause : cause;
        long ms = csrs.mstatus;
        if (priv <= Privilege.SUPERVISOR && ((delegation >>> cause) & 1) != 0) {
            csrs.scause = causeValue;
            csrs.sepc = pc;
            csrs.stval = tval;
            ms = (ms & SIE_BIT) != 0 ? ms | SPIE : ms & ~SPIE;
            ms &= ~SIE_BIT;
            ms = priv == Privilege.SUPERVISOR ? ms | SPP : ms & ~SPP;
            csrs.mstatus = ms;
            cpu.setPc(vector(csrs.stvec, cause, interrupt));
            cpu.setPrivilege(Privilege.SUPERVISOR);
            cpu.observer().trap(causeValue, tval, priv, Privilege.SUPERVISOR,
                    interrupt && (csrs.stvec & 3) == 1);
        } else {
            csrs.mcause = causeValue;
            csrs.mepc = pc;
            csrs.mtval = tval;
            ms = (ms & MIE_BIT) != 0 ? ms | MPIE : ms & ~MPIE;
            ms &= ~MIE_BIT;
            ms = (ms & ~MPP) | ((long) priv << MPP_SHIFT);
            csrs.mstatus = ms;
            cpu.setPc(vector(csrs.mtvec, cause, interrupt));
            cpu.setPrivilege(Privilege.MACHINE);
            cpu.observer().trap(causeValue, tval, priv, Privilege.MACHINE,
                    interrupt && (csrs.mtvec & 3) == 1);
        }
        cpu.setWaiting(false);
    }

    private static long vector(long tvec, int cause, boolean interrupt) {
        long base = tvec & ~3L;
        return interrupt && (tvec & 3) == 1 ? base + 4L * cause : base;
    }

    /** Takes the highest-priority pending and enabled interrupt, if any; true when one was taken. */
    boolean takePendingInterrupt() {
        long pending = csrs.mip() & csrs.mie;
        if (pending == 0) {
            return false;
        }
        int priv = cpu.privilege();
        long ms = csrs.mstatus;
        boolean mEnabled = priv < Privilege.MACHINE || (ms & MIE_BIT) != 0;
        boolean sEnabled = priv < Privilege.SUPERVISOR || (priv == Privilege.SUPERVISOR && (ms & SIE_BIT) != 0);
        long take = mEnabled ? pending & ~csrs.mideleg : 0;
        if (take == 0 && sEnabled) {
            take = pending & csrs.mideleg;
        }
        if (take == 0) {
            return false;
        }
        for (int irq : PRIORITY) {
            if ((take & (1L << irq)) != 0) {
                enterTrap(irq, 0, true);
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- A extension

    private void loadReserved(int size, int rd, long va, long[] x) {
        if ((va & (size - 1)) != 0) {
            throw new Trap(Cause.LOAD_MISALIGNED, va);
        }
        long v = mmu.load(va, size);
        if (size == 4) {
            v = (int) v;
        }
        reservationAddress = va;
        reservationValue = v;
        x[rd] = v;
    }

    private void storeConditional(int size, int rd, long va, long value, long[] x) {
        if ((va & (size - 1)) != 0) {
            throw new Trap(Cause.STORE_MISALIGNED, va);
        }
        if (reservationAddress != va) {
            reservationAddress = -1;
            x[rd] = 1;
            return;
        }
        long pa = mmu.translateForAmo(va);
        requireRam(pa, size, va);
        long current = mmu.physRead(pa, size, va, Cause.STORE_ACCESS_FAULT);
        if (size == 4) {
            current = (int) current;
        }
        reservationAddress = -1;
        if (current != reservationValue) {
            x[rd] = 1;
            return;
        }
        mmu.physWrite(pa, size, value, va);
        x[rd] = 0;
    }

    private void requireRam(long pa, int size, long va) {
        if (!mmu.isRam(pa, size)) {
            throw new Trap(Cause.STORE_ACCESS_FAULT, va);
        }
    }

    private void amo(int size, int funct5, int rd, long va, long src, long[] x) {
        if ((va & (size - 1)) != 0) {
            throw new Trap(Cause.STORE_MISALIGNED, va);
        }
        long pa = mmu.translateForAmo(va);
        requireRam(pa, size, va);
        long old = mmu.physRead(pa, size, va, Cause.STORE_ACCESS_FAULT);
        if (size == 4) {
            old = (int) old;
            src = (int) src;
        }
        long result;
        switch (funct5) {
            case 0x00: result = old + src; break;
            case 0x01: result = src; break;
            case 0x04: result = old ^ src; break;
            case 0x08: result = old | src; break;
            case 0x0c: result = old & src; break;
            case 0x10: result = Math.min(old, src); break;
            case 0x14: result = Math.max(old, src); break;
            case 0x18: result = Long.compareUnsigned(old, src) <= 0 ? old : src; break;
            default: result = Long.compareUnsigned(old, src) >= 0 ? old : src; break;
        }
        mmu.physWrite(pa, size, result, va);
        x[rd] = old;
    }
}
