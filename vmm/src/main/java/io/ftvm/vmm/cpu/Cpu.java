package io.ftvm.vmm.cpu;

import io.ftvm.vmm.memory.Bus;
import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.Ram;

/**
 * One RV64IMAC hart: registers, program counter, privilege level, the exact instruction count, and the step loop.
 *
 * <p>The loop fetches through a per-page decode cache ({@link DecodeCache}) and executes the common instructions
 * in one switch; privileged and atomic instructions go to {@link SystemUnit}. It allocates nothing per
 * instruction. {@code icount} advances by exactly one per retired instruction; an instruction that traps does not
 * retire. Execution runs in blocks that end at the caller's limit, at the next timer event and after any
 * instruction that may change interrupt state (CSR writes, MMIO, xRET, WFI), so interrupts are taken at exact,
 * reproducible instruction counts.
 */
public final class Cpu {

    /** Why {@link #run(long)} returned. */
    public enum Exit {
        /** The instruction count reached the limit. */
        LIMIT,
        /** The hart waits in WFI with no interrupt pending; time must advance (or an input arrive) to continue. */
        IDLE,
        /** A device asked the machine to stop (for example the test finisher). */
        STOPPED,
        /** The hart is at a debugger breakpoint ({@link #setBreakpoints}); the instruction there did not execute. */
        BREAKPOINT,
        /**
         * The hart can make no progress: traps keep being taken without any instruction retiring (for example the
         * trap vector itself is not executable). The state is a fixed point, so running on would never return.
         */
        TRAP_LOOP
    }

    /** Consecutive traps with no instruction retired in between after which the hart is declared stuck. */
    static final int MAX_TRAPS_WITHOUT_PROGRESS = 64;

    private final long[] x = new long[33];
    private final Ram ram;
    private final HartPlatform platform;
    private final CsrFile csrs;
    private final DecodeCache code;
    private final Mmu mmu;
    private final SystemUnit system;
    private final DataPath data;
    /** The F and D state and operations (package-private: CSRs and translated blocks use it). */
    final FpUnit fp;
    private final BlockTranslator translator = new BlockTranslator();
    private boolean translate = true;
    /** Translation as asked for ({@link #setTranslation}); off while breakpoints are set. */
    private boolean translateWanted = true;
    /** Whether the hart stops at a virtual pc (the debugger's breakpoints), or null. */
    private java.util.function.LongPredicate breakpoints;
    /** The virtual pages (pc >>> 12) that hold a breakpoint, sorted. */
    private long[] breakpointPages = new long[0];
    /** A breakpoint's pc and count whose instruction executes once (resuming from it), or -1. */
    private long skipBreakpointAt = -1;
    private long skipBreakpointIcount = -1;
    private boolean breakpointHit;
    private int blocksTranslated;

    private long pc;
    private int privilege = Privilege.MACHINE;
    /** Package-private: translated blocks read and write these two directly. */
    long icount;
    long blockEnd;
    private boolean waiting;
    private boolean stopRequested;

    private CpuObserver observer = CpuObserver.NONE;

    private long fetchVpn = -1;
    private long[] fetchSlots;
    private Block[] fetchBlocks;
    private int[] fetchHeat;
    private int fetchPageOffset;

    public Cpu(Ram ram, Bus bus, HartPlatform platform) {
        this.ram = ram;
        this.platform = platform;
        this.csrs = new CsrFile(this, platform);
        this.code = new DecodeCache(ram.size());
        this.mmu = new Mmu(this, ram, bus, code);
        this.system = new SystemUnit(this, csrs, mmu);
        this.data = new DataPath(this, ram, mmu, code);
        this.fp = new FpUnit(this, csrs, data);
    }

    // ---------------------------------------------------------------- state access

    public long pc() {
        return pc;
    }

    public void setPc(long pc) {
        this.pc = pc;
    }

    public long register(int i) {
        return i == 0 ? 0 : x[i];
    }

    public void setRegister(int i, long v) {
        if (i != 0) {
            x[i] = v;
        }
    }

    /** Floating-point register {@code i} (binary32 values NaN-boxed). */
    public long fpRegister(int i) {
        return fp.f[i];
    }

    public void setFpRegister(int i, long v) {
        fp.f[i] = v;
    }

    public int privilege() {
        return privilege;
    }

    public long icount() {
        return icount;
    }

    public boolean waitingForInterrupt() {
        return waiting;
    }

    public CsrFile csrs() {
        return csrs;
    }

    /** The hart's complete state, for snapshots. */
    public HartState state() {
        return new HartState(java.util.Arrays.copyOfRange(x, 1, 32), pc, privilege, icount, waiting, csrs.save(),
                system.reservationAddress(), system.reservationValue(), mmu.tlbTags(), mmu.tlbPages(), fp.f,
                fp.fcsr());
    }

    /** Restores a snapshot's state (caches and TLBs are rebuilt). */
    public void restore(HartState s) {
        long[] regs = s.x();
        if (regs.length != 31) {
            throw new IllegalArgumentException("hart state has " + regs.length + " registers, expected 31");
        }
        if (s.privilege() != Privilege.USER && s.privilege() != Privilege.SUPERVISOR
                && s.privilege() != Privilege.MACHINE) {
            throw new IllegalArgumentException("invalid privilege level " + s.privilege());
        }
        if ((s.pc() & 1) != 0) {
            throw new IllegalArgumentException("odd pc 0x" + Long.toHexString(s.pc()));
        }
        if (s.f().length != 32 || (s.fcsr() & ~0xffL) != 0) {
            throw new IllegalArgumentException("hart state has " + s.f().length + " floating-point registers and fcsr 0x"
                    + Long.toHexString(s.fcsr()) + ", expected 32 and 8 bits");
        }
        csrs.restore(s.csrs());
        System.arraycopy(s.f(), 0, fp.f, 0, 32);
        fp.setFcsr(s.fcsr());
        System.arraycopy(regs, 0, x, 1, 31);
        x[0] = 0;
        pc = s.pc();
        privilege = s.privilege();
        icount = s.icount();
        waiting = s.waiting();
        system.restoreReservation(s.reservationAddress(), s.reservationValue());
        translationChanged();
        mmu.restoreTlb(s.tlbTags(), s.tlbPages());
        invalidateDecodedInstructions();
    }

    /** Adds the hart's complete architectural state (registers, pc, mode, count, CSRs, reservation) to a digest. */
    public void hashState(Hasher h) {
        for (int i = 1; i < 32; i++) {
            h.put(x[i]);
        }
        h.put(pc).put(privilege).put(icount).put(waiting);
        csrs.hashState(h);
        system.hashState(h);
        fp.hashState(h);
    }

    /** Installs slow-path hooks (decode, trap); {@link CpuObserver#NONE} removes them. */
    public void setObserver(CpuObserver observer) {
        this.observer = observer == null ? CpuObserver.NONE : observer;
        invalidateDecodedInstructions();
    }

    HartPlatform platform() {
        return platform;
    }

    /**
     * Puts the hart where a firmware leaves it when it starts a supervisor-mode kernel: S-mode at {@code entry}
     * with a0 = {@code hartId} and a1 = {@code deviceTree}, every exception S-mode may handle and the supervisor
     * interrupts delegated to it, the counters readable from S-mode (and cycle, time, instret from U-mode), and physical memory open to S and U through
     * PMP entry 0 (a NAPOT region covering everything). For boards whose SBI is served by the VMM
     * ({@link HartPlatform#firmwareCall}); no M-mode code runs afterwards.
     */
    public void enterSupervisor(long entry, long hartId, long deviceTree) {
        csrs.delegateToSupervisor();
        java.util.Arrays.fill(x, 0);
        x[10] = hartId;
        x[11] = deviceTree;
        pc = entry;
        setPrivilege(Privilege.SUPERVISOR);
        invalidateDecodedInstructions();
    }

    /**
     * What an SBI remote fence does on this hart: forgets translations (as SFENCE.VMA) and decoded instructions
     * (as FENCE.I).
     */
    public void fenceAll() {
        translationChanged();
        invalidateDecodedInstructions();
    }

    /**
     * A device wrote RAM directly (DMA) at offset {@code off}: forgets decoded instructions and translated blocks
     * there, and ends the running block so that code just overwritten is not executed stale.
     */
    public void memoryWritten(int off, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(length - done, Ram.PAGE_SIZE - ((off + done) & (Ram.PAGE_SIZE - 1)));
            code.invalidate(off + done, n);
            done += n;
        }
        endBlock();
    }

    /** Waits for an interrupt as WFI does, after the current instruction (an SBI suspend). */
    public void suspend() {
        waiting = true;
        endBlock();
    }

    CpuObserver observer() {
        return observer;
    }

    /** Ends the current execution block after the instruction being executed. */
    void endBlock() {
        blockEnd = icount + 1;
    }

    /** Asks {@link #run} to return {@link Exit#STOPPED} after the current instruction. */
    public void requestStop() {
        stopRequested = true;
        blockEnd = icount + 1;
    }

    void setPrivilege(int p) {
        privilege = p;
        translationChanged();
    }

    void setWaiting(boolean w) {
        waiting = w;
    }

    /** Privilege, satp or an mstatus translation field changed: flush the TLBs and the fetch page. */
    void translationChanged() {
        mmu.update(privilege, csrs.mstatus, csrs.satp);
        data.bare = !mmu.dataTranslated();
        fetchVpn = -1;
        blockEnd = icount + 1;
    }

    /** Forgets decoded instructions, e.g. after memory was replaced wholesale. */
    public void invalidateDecodedInstructions() {
        code.clear();
        fetchVpn = -1;
    }

    // ---------------------------------------------------------------- run loop

    /**
     * Executes until {@code icount == limit}, the hart idles in WFI, or a device requests a stop. Interrupts that
     * are pending and enabled are taken between instructions.
     */
    public Exit run(long limit) {
        long trapIcount = -1;
        int trapsWithoutProgress = 0;
        while (true) {
            if (stopRequested) {
                stopRequested = false;
                if (breakpointHit) {
                    breakpointHit = false;
                    return Exit.BREAKPOINT;
                }
                return Exit.STOPPED;
            }
            if (icount >= limit) {
                return Exit.LIMIT;
            }
            if (system.takePendingInterrupt()) {
                continue;
            }
            if (waiting) {
                if ((csrs.mip() & csrs.mie) == 0) {
                    return Exit.IDLE;
                }
                waiting = false;
            }
            long timer = platform.nextTimerEvent(icount);
            blockEnd = Math.min(limit, timer);
            try {
                execute();
            } catch (Trap t) {
                if (icount == trapIcount) {
                    if (++trapsWithoutProgress >= MAX_TRAPS_WITHOUT_PROGRESS) {
                        system.enterTrap(t.cause(), t.tval(), false);
                        return Exit.TRAP_LOOP;
                    }
                } else {
                    trapIcount = icount;
                    trapsWithoutProgress = 0;
                }
                system.enterTrap(t.cause(), t.tval(), false);
            }
        }
    }

    private void refillFetch(long pc) {
        long pa = mmu.translateFetch(pc);
        int off = mmu.fetchOffset(pa, pc, 2);
        fetchSlots = code.page(off >>> Ram.PAGE_SHIFT);
        fetchBlocks = code.blocks(off >>> Ram.PAGE_SHIFT);
        fetchHeat = code.heat(off >>> Ram.PAGE_SHIFT);
        fetchPageOffset = off & ~(Ram.PAGE_SIZE - 1);
        fetchVpn = pc >>> 12;
        if (breakpoints != null && java.util.Arrays.binarySearch(breakpointPages, pc >>> 12) >= 0) {
            // The decode cache is keyed by physical page: an instruction decoded there through another mapping (a
            // process sharing the page, the code before paging was on) would hide a breakpoint at this virtual
            // address. A page holding breakpoints decodes into slots of its own, for this visit only.
            fetchSlots = new long[fetchSlots.length];
        }
    }

    /** Decodes the instruction at {@code pc} (count {@code now}) into its slot; a breakpoint's is never cached. */
    private long decodeAt(long pc, int slot, long now) {
        if (breakpoints != null && breakpoints.test(pc)) {
            // never cached: every visit of a breakpoint's pc comes here, and stops unless it is being resumed from
            if (pc != skipBreakpointAt || now != skipBreakpointIcount) {
                return Op.DEBUG_BREAK;
            }
            skipBreakpointAt = -1;
            long[] keep = fetchSlots;
            long cached = keep[slot];
            long d = decodeFresh(pc, slot);
            keep[slot] = cached;
            return d;
        }
        return decodeFresh(pc, slot);
    }

    private long decodeFresh(long pc, int slot) {
        int off = fetchPageOffset + (int) (pc & 0xfff);
        int lo = (int) ram.read(off, 2);
        if ((lo & 3) != 3) {
            long d = Decoder.decode(lo);
            observer.decoded(pc, lo, d);
            fetchSlots[slot] = d;
            return d;
        }
        if ((pc & 0xfff) != 0xffe) {
            int raw = (int) ram.read(off, 4);
            long d = Decoder.decode(raw);
            observer.decoded(pc, raw, d);
            fetchSlots[slot] = d;
            return d;
        }
        // The instruction straddles a page boundary: translate the second half separately, never cache it.
        long pa2 = mmu.translateFetch(pc + 2);
        int off2 = mmu.fetchOffset(pa2, pc + 2, 2);
        int hi = (int) ram.read(off2, 2);
        long d = Decoder.decode(lo | (hi << 16));
        observer.decoded(pc, lo | (hi << 16), d);
        return d;
    }

    /**
     * Turns block translation on or off (on by default). Both modes execute exactly the same instructions with the
     * same results; translation is only faster.
     */
    public void setTranslation(boolean on) {
        translateWanted = on;
        translate = on && breakpoints == null;
        invalidateDecodedInstructions();
    }

    /**
     * Sets the debugger's breakpoints: the virtual pcs {@code pcs}, where the hart stops when {@code stop} says so
     * (it may look at the hart's state, e.g. satp). {@link #run} returns {@link Exit#BREAKPOINT} before executing
     * the instruction there, with pc and count at it. Block translation is off meanwhile (a translated block would run
     * over them); nothing else changes what executes. {@link #clearBreakpoints} ends it.
     */
    public void setBreakpoints(long[] pcs, java.util.function.LongPredicate stop) {
        breakpointPages = java.util.Arrays.stream(pcs).map(a -> a >>> 12).sorted().distinct().toArray();
        breakpoints = stop;
        skipBreakpointAt = -1;
        translate = false;
        invalidateDecodedInstructions();
    }

    public void clearBreakpoints() {
        breakpoints = null;
        breakpointPages = new long[0];
        skipBreakpointAt = -1;
        translate = translateWanted;
        invalidateDecodedInstructions();
    }

    /**
     * The instruction at the current pc executes even if a breakpoint is there, once, at this count (resuming from
     * it); if a trap or interrupt comes first, the breakpoint stays armed for when the pc comes back.
     */
    public void resumeOverBreakpoint() {
        skipBreakpointAt = pc;
        skipBreakpointIcount = icount;
    }

    /** Blocks translated so far (a statistic, and for tests). */
    public int blocksTranslated() {
        return blocksTranslated;
    }

    /**
     * Executions of a block head before it is translated. High, because a translated block is a new class that runs
     * in the JVM's bytecode interpreter until the JIT compiles it: for code that runs a few thousand times (a Linux
     * boot is mostly such code) that is slower than the interpreter, and generating and loading the class costs
     * more still. Hot loops cross any threshold within microseconds. (Measured: a Linux boot translates 5,153 blocks
     * at 50 and takes 3.3 s, 191 blocks at 5,000 and takes 1.6 s; steady-state MIPS are unchanged.)
     */
    public static final int DEFAULT_TRANSLATE_THRESHOLD = 5000;
    private int translateThreshold = DEFAULT_TRANSLATE_THRESHOLD;

    /**
     * Sets how many executions of a block head trigger its translation (default
     * {@link #DEFAULT_TRANSLATE_THRESHOLD}); tests use a low one to translate small loops. Results never depend on
     * it.
     */
    public void setTranslationThreshold(int executions) {
        if (executions < 1 || executions > (1 << 30)) {
            throw new IllegalArgumentException("translation threshold " + executions + " out of range");
        }
        translateThreshold = executions;
        invalidateDecodedInstructions();
    }

    /**
     * Tries to translate the block starting at {@code pc} (slot {@code slot} of the current fetch page). Returns
     * null when the block would be too short to pay off or cannot be formed.
     */
    private Block translateAt(long pc, int slot) {
        int start = (int) (pc & 0xfff);
        long[] ops = new long[BlockTranslator.MAX_INSTRUCTIONS];
        short[] offs = new short[BlockTranslator.MAX_INSTRUCTIONS + 1];
        int n = 0;
        int o = start;
        while (n < BlockTranslator.MAX_INSTRUCTIONS && o - start < DecodeCache.MAX_BLOCK_SPAN - 4) {
            if (o > Ram.PAGE_SIZE - 2) {
                break;
            }
            long d = fetchSlots[o >>> 1];
            if (d == 0) {
                int lo = (int) ram.read(fetchPageOffset + o, 2);
                if ((lo & 3) == 3 && o == Ram.PAGE_SIZE - 2) {
                    break; // straddles the page: left to the interpreter
                }
                int raw = (lo & 3) != 3 ? lo : (int) ram.read(fetchPageOffset + o, 4);
                d = Decoder.decode(raw);
                observer.decoded(pc + (o - start), raw, d);
                fetchSlots[o >>> 1] = d;
            }
            int op = Op.op(d);
            if (!BlockTranslator.straightLine(op) && !BlockTranslator.endsBlock(op)) {
                break;
            }
            ops[n] = d;
            offs[n] = (short) (o - start);
            n++;
            o += Op.length(d);
            if (BlockTranslator.endsBlock(op)) {
                break;
            }
        }
        if (n < 2) {
            return null;
        }
        offs[n] = (short) (o - start);
        blocksTranslated++;
        return translator.translate(java.util.Arrays.copyOf(ops, n), java.util.Arrays.copyOf(offs, n + 1));
    }

    /**
     * Runs the current block. {@code pc} and {@code icount} live in locals here (the JIT keeps them in registers);
     * the fields are written back before anything that can observe them: memory accesses (MMIO devices read the
     * instruction count), the system unit, a trap, and the end of the block. At block heads (after a jump or taken
     * branch) a translated block runs instead when one exists and fits before {@code blockEnd}.
     */
    private void execute() {
        final long[] x = this.x;
        final DataPath m = this.data;
        long pc = this.pc;
        long icount = this.icount;
        long vpn = fetchVpn;
        long[] slots = fetchSlots;
        Block[] blocks = fetchBlocks;
        Block running = null;
        long runningPc = 0;
        long runningIcount = 0;
        boolean head = translate;
        try {
            while (icount < blockEnd) {
                if ((pc >>> 12) != vpn) {
                    refillFetch(pc);
                    vpn = fetchVpn;
                    slots = fetchSlots;
                    blocks = fetchBlocks;
                }
                int slot = (int) (pc & 0xfff) >>> 1;
                if (head) {
                    Block b = blocks[slot];
                    if (b == null && ++fetchHeat[slot] == translateThreshold) {
                        b = translateAt(pc, slot);
                        blocks[slot] = b;
                    }
                    if (b != null && icount + b.length <= blockEnd) {
                        running = b;
                        runningPc = pc;
                        runningIcount = icount;
                        pc = b.run(this, m, x, pc, icount);
                        running = null;
                        icount = this.icount;
                        continue;
                    }
                }
                long d = slots[slot];
                if (d == 0) {
                    d = decodeAt(pc, slot, icount);
                }
                final int rd = (int) (d >>> 8) & 0x3f;
                final int rs1 = (int) (d >>> 14) & 0x1f;
                final int rs2 = (int) (d >>> 19) & 0x1f;
                final int imm = (int) (d >> 32);
                final long seq = pc + ((d & (1L << 24)) != 0 ? 2 : 4);
                long next = seq;
                switch ((int) d & 0xff) {
                    case Op.LUI: x[rd] = imm; break;
                    case Op.AUIPC: x[rd] = pc + imm; break;
                    case Op.JAL: x[rd] = next; next = pc + imm; break;
                    case Op.JALR: {
                        long target = (x[rs1] + imm) & ~1L;
                        x[rd] = next;
                        next = target;
                        break;
                    }
                    case Op.BEQ: if (x[rs1] == x[rs2]) { next = pc + imm; } break;
                    case Op.BNE: if (x[rs1] != x[rs2]) { next = pc + imm; } break;
                    case Op.BLT: if (x[rs1] < x[rs2]) { next = pc + imm; } break;
                    case Op.BGE: if (x[rs1] >= x[rs2]) { next = pc + imm; } break;
                    case Op.BLTU: if (Long.compareUnsigned(x[rs1], x[rs2]) < 0) { next = pc + imm; } break;
                    case Op.BGEU: if (Long.compareUnsigned(x[rs1], x[rs2]) >= 0) { next = pc + imm; } break;
                    case Op.LB: this.icount = icount; x[rd] = m.lb(x[rs1] + imm); break;
                    case Op.LH: this.icount = icount; x[rd] = m.lh(x[rs1] + imm); break;
                    case Op.LW: this.icount = icount; x[rd] = m.lw(x[rs1] + imm); break;
                    case Op.LD: this.icount = icount; x[rd] = m.ld(x[rs1] + imm); break;
                    case Op.LBU: this.icount = icount; x[rd] = m.lbu(x[rs1] + imm); break;
                    case Op.LHU: this.icount = icount; x[rd] = m.lhu(x[rs1] + imm); break;
                    case Op.LWU: this.icount = icount; x[rd] = m.lwu(x[rs1] + imm); break;
                    case Op.SB: this.icount = icount; m.sb(x[rs1] + imm, x[rs2]); break;
                    case Op.SH: this.icount = icount; m.sh(x[rs1] + imm, x[rs2]); break;
                    case Op.SW: this.icount = icount; m.sw(x[rs1] + imm, x[rs2]); break;
                    case Op.SD: this.icount = icount; m.sd(x[rs1] + imm, x[rs2]); break;
                    case Op.ADDI: x[rd] = x[rs1] + imm; break;
                    case Op.SLTI: x[rd] = x[rs1] < imm ? 1 : 0; break;
                    case Op.SLTIU: x[rd] = Long.compareUnsigned(x[rs1], imm) < 0 ? 1 : 0; break;
                    case Op.XORI: x[rd] = x[rs1] ^ imm; break;
                    case Op.ORI: x[rd] = x[rs1] | imm; break;
                    case Op.ANDI: x[rd] = x[rs1] & imm; break;
                    case Op.SLLI: x[rd] = x[rs1] << imm; break;
                    case Op.SRLI: x[rd] = x[rs1] >>> imm; break;
                    case Op.SRAI: x[rd] = x[rs1] >> imm; break;
                    case Op.ADD: x[rd] = x[rs1] + x[rs2]; break;
                    case Op.SUB: x[rd] = x[rs1] - x[rs2]; break;
                    case Op.SLL: x[rd] = x[rs1] << x[rs2]; break;
                    case Op.SLT: x[rd] = x[rs1] < x[rs2] ? 1 : 0; break;
                    case Op.SLTU: x[rd] = Long.compareUnsigned(x[rs1], x[rs2]) < 0 ? 1 : 0; break;
                    case Op.XOR: x[rd] = x[rs1] ^ x[rs2]; break;
                    case Op.SRL: x[rd] = x[rs1] >>> x[rs2]; break;
                    case Op.SRA: x[rd] = x[rs1] >> x[rs2]; break;
                    case Op.OR: x[rd] = x[rs1] | x[rs2]; break;
                    case Op.AND: x[rd] = x[rs1] & x[rs2]; break;
                    case Op.ADDIW: x[rd] = (int) (x[rs1] + imm); break;
                    case Op.SLLIW: x[rd] = (int) x[rs1] << imm; break;
                    case Op.SRLIW: x[rd] = (int) x[rs1] >>> imm; break;
                    case Op.SRAIW: x[rd] = (int) x[rs1] >> imm; break;
                    case Op.ADDW: x[rd] = (int) (x[rs1] + x[rs2]); break;
                    case Op.SUBW: x[rd] = (int) (x[rs1] - x[rs2]); break;
                    case Op.SLLW: x[rd] = (int) x[rs1] << (int) x[rs2]; break;
                    case Op.SRLW: x[rd] = (int) x[rs1] >>> (int) x[rs2]; break;
                    case Op.SRAW: x[rd] = (int) x[rs1] >> (int) x[rs2]; break;
                    case Op.MUL: x[rd] = x[rs1] * x[rs2]; break;
                    case Op.MULH: x[rd] = Math.multiplyHigh(x[rs1], x[rs2]); break;
                    case Op.MULHSU: x[rd] = MulDiv.mulhsu(x[rs1], x[rs2]); break;
                    case Op.MULHU: x[rd] = MulDiv.mulhu(x[rs1], x[rs2]); break;
                    case Op.DIV: x[rd] = MulDiv.div(x[rs1], x[rs2]); break;
                    case Op.DIVU: x[rd] = MulDiv.divu(x[rs1], x[rs2]); break;
                    case Op.REM: x[rd] = MulDiv.rem(x[rs1], x[rs2]); break;
                    case Op.REMU: x[rd] = MulDiv.remu(x[rs1], x[rs2]); break;
                    case Op.MULW: x[rd] = (int) x[rs1] * (int) x[rs2]; break;
                    case Op.DIVW: x[rd] = MulDiv.divw((int) x[rs1], (int) x[rs2]); break;
                    case Op.DIVUW: x[rd] = MulDiv.divuw((int) x[rs1], (int) x[rs2]); break;
                    case Op.REMW: x[rd] = MulDiv.remw((int) x[rs1], (int) x[rs2]); break;
                    case Op.REMUW: x[rd] = MulDiv.remuw((int) x[rs1], (int) x[rs2]); break;
                    case Op.FENCE: case Op.FENCE_I: break;
                    default:
                        this.pc = pc;
                        this.icount = icount;
                        if (Op.isFloatingPoint((int) d & 0xff)) {
                            fp.execute(d, x);
                            break;
                        }
                        if (((int) d & 0xff) == Op.DEBUG_BREAK) {
                            breakpointHit = true; // not executed: pc and count stay at the breakpoint
                            stopRequested = true;
                            blockEnd = icount;
                            return;
                        }
                        next = system.execute(d, pc, next, x);
                        vpn = fetchVpn;
                        slots = fetchSlots;
                        blocks = fetchBlocks;
                        break;
                }
                head = translate && next != seq;
                pc = next;
                icount++;
            }
        } catch (Trap t) {
            if (running != null) {
                // A translated block stored the count of the faulting instruction before the access.
                this.pc = runningPc + running.offset((int) (this.icount - runningIcount));
            } else {
                this.pc = pc;
                this.icount = icount;
            }
            throw t;
        }
        this.pc = pc;
        this.icount = icount;
    }
}
