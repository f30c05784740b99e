package io.ftvm.vmm.debug;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.ReplayDriver;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replay that can be moved to any instruction of its recording, forwards or backwards, stopping at breakpoints and
 * watchpoints: the engine under {@code ftvm debug}. The state at instruction count {@code n} is the state after
 * {@code n} instructions with every log entry at {@code n} applied, whichever way it was reached, so a step back is
 * exactly the state a forward replay had there (digests are checked on the way, as in any replay).
 *
 * <p>Going back restores the latest checkpoint before the target and replays forward from it; forward replay keeps
 * a checkpoint every {@code interval} instructions ({@link Checkpoints} thins them). A breakpoint search steps one
 * instruction at a time; a seek without breakpoints runs at full replay speed. Not thread-safe: one engine thread
 * drives it; {@link #interrupt} may be called from any thread.
 */
public final class ReplaySession {
    /** Why a movement stopped. */
    public enum StopKind {
        /** A single step ended. */
        STEP,
        /** At a breakpoint's address (about to execute it). */
        BREAKPOINT,
        /** A watched range was accessed (see {@link Stop#watch}). */
        WATCHPOINT,
        /** Interrupted (GDB's Ctrl-C). */
        INTERRUPTED,
        /** At the start of the recording, going back. */
        HISTORY_BEGIN,
        /** At the end of the recording, going forward. */
        HISTORY_END,
        /** A seek reached its target. */
        REACHED
    }

    /** Where a movement stopped and why; {@code watch} is the watchpoint hit (WATCHPOINT only). */
    public record Stop(StopKind kind, long icount, Watchpoint watch) {
    }

    /** A watched range: {@code kind} says which accesses trigger it. */
    public record Watchpoint(Kind kind, long address, long length) {
        public enum Kind {
            WRITE, READ, ACCESS
        }

        boolean triggeredBy(AccessDecoder.Access a) {
            boolean kindMatches = kind == Kind.WRITE ? a.writes() : kind == Kind.READ ? a.reads()
                    : a.reads() || a.writes();
            return kindMatches && a.overlaps(address, length);
        }
    }

    private final Machine machine;
    private final EventLog log;
    private final long startIcount;
    private final long endIcount;
    private final long interval;
    private final Checkpoints checkpoints;
    private final GuestMemory memory;
    private final java.util.Set<Long> breakpoints = new java.util.HashSet<>();
    private final Map<Watchpoint, Boolean> watchpoints = new TreeMap<>(
            java.util.Comparator.comparing(Watchpoint::kind).thenComparingLong(Watchpoint::address)
                    .thenComparingLong(Watchpoint::length));
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private ReplayDriver driver;
    private long digestsChecked;

    /**
     * A session over {@code machine} (in its start state: booted or restored) replaying the closed {@code log}.
     *
     * @param interval   instructions between checkpoints taken going forward
     * @param maxCount   checkpoints kept at most
     * @param maxBytes   memory the checkpoints' pages may use
     */
    public ReplaySession(Machine machine, EventLog log, long interval, int maxCount, long maxBytes)
            throws DivergenceException, InterruptedException {
        if (!log.isClosed()) {
            throw new IllegalArgumentException("a debug session replays a complete (closed) log");
        }
        if (interval < 1) {
            throw new IllegalArgumentException("checkpoint interval " + interval + " must be positive");
        }
        this.machine = machine;
        this.log = log;
        this.interval = interval;
        this.checkpoints = new Checkpoints(maxCount, maxBytes);
        this.memory = new GuestMemory(machine);
        this.startIcount = machine.icount();
        long end = startIcount;
        for (long i = 0; i < log.size(); i++) {
            end = Math.max(end, log.await(i, 0).icount());
        }
        this.endIcount = end;
        this.driver = newDriver(0);
        // entries at the start's own count belong to the start state (a boot's wall clock, its entropy seed)
        replayTo(startIcount);
        checkpoints.take(machine, driver.position());
    }

    public Machine machine() {
        return machine;
    }

    GuestMemory memory() {
        return memory;
    }

    public long icount() {
        return machine.icount();
    }

    /** The first instruction count of the recording (0 for a boot, the snapshot's count otherwise). */
    public long startIcount() {
        return startIcount;
    }

    /** The instruction count of the recording's last entry: nothing can be replayed past it. */
    public long endIcount() {
        return endIcount;
    }

    public long digestsChecked() {
        return digestsChecked;
    }

    /** Memory the checkpoints' pages use now. */
    public long checkpointBytes() {
        return checkpoints.bytes();
    }

    Checkpoints.Usage checkpointUsage() {
        return checkpoints.usage();
    }

    public void addBreakpoint(long pc) {
        breakpoints.add(pc);
    }

    public boolean removeBreakpoint(long pc) {
        return breakpoints.remove(pc);
    }

    public void addWatchpoint(Watchpoint w) {
        watchpoints.put(w, Boolean.TRUE);
    }

    public boolean removeWatchpoint(Watchpoint w) {
        return watchpoints.remove(w) != null;
    }

    /**
     * Binds breakpoints and watchpoints on user addresses (the lower half of Sv39's space) to one address space: they
     * hit only while {@code satp} holds that value (one process of a Linux guest); empty unbinds them (any process).
     * Kernel addresses are unaffected.
     */
    public void bindUserSpace(java.util.OptionalLong satp) {
        userSatp = satp;
    }

    /** The address space user breakpoints are bound to, if any. */
    public java.util.OptionalLong userSpace() {
        return userSatp;
    }

    private java.util.OptionalLong userSatp = java.util.OptionalLong.empty();

    /** A breakpoint is at {@code pc} and (for a user address) the hart is in the bound address space. */
    private boolean atBreakpoint(long pc) {
        return breakpoints.contains(pc) && (!isUser(pc) || inUserSpace());
    }

    private boolean inUserSpace() {
        return userSatp.isEmpty() || machine.cpu().csrs().peek(io.ftvm.vmm.cpu.Csr.SATP) == userSatp.getAsLong();
    }

    private static boolean isUser(long address) {
        return address >= 0 && address < (1L << 38);
    }

    /** Forgets an interrupt (any thread): the server calls it before it hands GDB's next resume to the engine. */
    public void clearInterrupt() {
        interrupted.set(false);
    }

    /** Asks the movement under way to stop (any thread); it stops with {@link StopKind#INTERRUPTED}. */
    public void interrupt() {
        interrupted.set(true);
    }

    // ---------------------------------------------------------------- movements

    /** Moves to exactly {@code target} (clamped to the recording), ignoring breakpoints. */
    public Stop seek(long target) throws DivergenceException, InterruptedException {
        long t = Math.max(startIcount, Math.min(endIcount, target));
        goTo(t);
        return new Stop(StopKind.REACHED, icount(), null);
    }

    /** One instruction forward; at the end of the recording, stays there. */
    public Stop stepForward() throws DivergenceException, InterruptedException {
        if (icount() >= endIcount) {
            return new Stop(StopKind.HISTORY_END, icount(), null);
        }
        Watchpoint w = watchHit();
        goTo(icount() + 1);
        return w != null ? new Stop(StopKind.WATCHPOINT, icount(), w) : new Stop(StopKind.STEP, icount(), null);
    }

    /** One instruction back; at the start of the recording, stays there. */
    public Stop stepBack() throws DivergenceException, InterruptedException {
        if (icount() <= startIcount) {
            return new Stop(StopKind.HISTORY_BEGIN, icount(), null);
        }
        goTo(icount() - 1);
        return new Stop(StopKind.STEP, icount(), null);
    }

    /**
     * Runs forward to the next breakpoint (not the one the hart is at now), the instruction after the next access to
     * a watched range, the end of the recording, or an interrupt.
     */
    public Stop continueForward() throws DivergenceException, InterruptedException {
        if (breakpoints.isEmpty() && watchpoints.isEmpty()) {
            while (icount() < endIcount) {
                if (interrupted.get()) {
                    return new Stop(StopKind.INTERRUPTED, icount(), null);
                }
                goTo(Math.min(endIcount, icount() + interval));
            }
            return new Stop(StopKind.HISTORY_END, icount(), null);
        }
        if (watchpoints.isEmpty()) {
            return runToBreakpoint(endIcount, false);
        }
        while (icount() < endIcount) {
            if (interrupted.get()) {
                return new Stop(StopKind.INTERRUPTED, icount(), null);
            }
            Watchpoint w = watchHit();
            step();
            if (w != null) {
                return new Stop(StopKind.WATCHPOINT, icount(), w);
            }
            if (atBreakpoint(machine.cpu().pc())) {
                return new Stop(StopKind.BREAKPOINT, icount(), null);
            }
        }
        return new Stop(StopKind.HISTORY_END, icount(), null);
    }

    /**
     * Runs backward to the last point before this one where a breakpoint was reached, or where a watched range had
     * just been accessed (by an instruction before this point: the stop is right after it, where a forward continue
     * would have stopped, and GDB then steps back over the access itself), whichever is later; or to the start.
     */
    public Stop continueBackward() throws DivergenceException, InterruptedException {
        if (breakpoints.isEmpty() && watchpoints.isEmpty()) {
            goTo(startIcount);
            return new Stop(StopKind.HISTORY_BEGIN, icount(), null);
        }
        long to = icount();
        while (to > startIcount) {
            Checkpoints.Checkpoint c = checkpoints.atOrBefore(to - 1);
            long from = c.icount();
            Stop hit = lastHitBetween(c, to);
            if (hit != null) {
                return hit;
            }
            if (interrupted.get()) {
                return new Stop(StopKind.INTERRUPTED, icount(), null);
            }
            to = from;
        }
        goTo(startIcount);
        return new Stop(StopKind.HISTORY_BEGIN, icount(), null);
    }

    /**
     * Runs forward at interpreter speed with the hart stopping at breakpoints: to the first one hit after the current
     * point ({@code scan} false), or ({@code scan}) on to {@code until}, returning a stop at the last hit before it
     * (at the current point itself too), or null when none was hit. Ends at the end of the recording otherwise.
     */
    private Stop runToBreakpoint(long until, boolean scan) throws DivergenceException, InterruptedException {
        long hitAt = scan && atBreakpoint(machine.cpu().pc()) ? icount() : -1;
        machine.cpu().setBreakpoints(breakpoints.stream().mapToLong(Long::longValue).toArray(), this::atBreakpoint);
        try {
            machine.cpu().resumeOverBreakpoint(); // a breakpoint here was the last stop: go on from it
            while (icount() < until) {
                if (interrupted.get()) {
                    if (scan) {
                        machine.cpu().clearBreakpoints();
                        goTo(until); // the part scanned is not all of it: stop where the search had got to
                    }
                    return new Stop(StopKind.INTERRUPTED, icount(), null);
                }
                if (!replayTo(Math.min(until, (icount() / interval + 1) * interval))) {
                    if (!scan) {
                        return new Stop(StopKind.BREAKPOINT, icount(), null);
                    }
                    hitAt = icount();
                    machine.cpu().resumeOverBreakpoint();
                    continue;
                }
                maybeCheckpoint();
            }
        } finally {
            machine.cpu().clearBreakpoints();
        }
        if (!scan) {
            return new Stop(StopKind.HISTORY_END, icount(), null);
        }
        if (hitAt < 0) {
            return null;
        }
        return landOnBreakpoint(hitAt);
    }

    /**
     * Goes to a breakpoint hit found at count {@code at}. A hit right after a trap or interrupt (a breakpoint on a
     * vector) has the count of the instruction that trapped or was interrupted, whose state a seek gives: from
     * there the hart runs on with the breakpoints set until it stops at the same count, at the breakpoint.
     */
    private Stop landOnBreakpoint(long at) throws DivergenceException, InterruptedException {
        goTo(at);
        if (!atBreakpoint(machine.cpu().pc()) && at < endIcount) {
            machine.cpu().setBreakpoints(breakpoints.stream().mapToLong(Long::longValue).toArray(),
                    this::atBreakpoint);
            try {
                replayTo(at + 1);
            } finally {
                machine.cpu().clearBreakpoints();
            }
        }
        return new Stop(StopKind.BREAKPOINT, icount(), null);
    }

    /** Scans [c, to) forward for the last hit; leaves the machine there (or at {@code to}'s checkpoint). */
    private Stop lastHitBetween(Checkpoints.Checkpoint c, long to) throws DivergenceException, InterruptedException {
        checkpoints.restore(machine, c);
        driver = newDriver(c.position());
        if (watchpoints.isEmpty()) {
            return runToBreakpoint(to, true);
        }
        long hitAt = -1;
        Watchpoint hitWatch = null;
        while (icount() < to) {
            if (interrupted.get()) {
                goTo(to); // the part scanned is not all of it: stop where the search had got to
                return new Stop(StopKind.INTERRUPTED, icount(), null);
            }
            if (atBreakpoint(machine.cpu().pc())) {
                hitAt = icount();
                hitWatch = null;
            }
            Watchpoint w = watchHit();
            step();
            if (w != null) {
                hitAt = icount(); // just after the access, as going forward reports it (GDB steps back over it)
                hitWatch = w;
            }
        }
        if (hitAt < 0) {
            return null;
        }
        goTo(hitAt);
        return new Stop(hitWatch != null ? StopKind.WATCHPOINT : StopKind.BREAKPOINT, icount(), hitWatch);
    }

    // ---------------------------------------------------------------- mechanics

    /** The watchpoint the instruction about to execute triggers, or null. */
    private Watchpoint watchHit() {
        if (watchpoints.isEmpty()) {
            return null;
        }
        long pc = machine.cpu().pc();
        Long raw = memory.readValue(pc, 2);
        if (raw == null) {
            return null;
        }
        int insn = raw.intValue();
        if ((insn & 3) == 3) {
            Long hi = memory.readValue(pc + 2, 2);
            if (hi == null) {
                return null;
            }
            insn |= hi.intValue() << 16;
        }
        AccessDecoder.Access a = AccessDecoder.decode(insn, machine.cpu()::register);
        if (a == null) {
            return null;
        }
        if (isUser(a.address()) && !inUserSpace()) {
            return null;
        }
        for (Watchpoint w : watchpoints.keySet()) {
            if (w.triggeredBy(a)) {
                return w;
            }
        }
        return null;
    }

    private void step() throws DivergenceException, InterruptedException {
        replayTo(icount() + 1);
        maybeCheckpoint();
    }

    /** Moves to {@code target}: back through the nearest checkpoint, forward at full speed, keeping checkpoints. */
    private void goTo(long target) throws DivergenceException, InterruptedException {
        if (target < icount()) {
            Checkpoints.Checkpoint c = checkpoints.atOrBefore(target);
            checkpoints.restore(machine, c);
            driver = newDriver(c.position());
        }
        while (icount() < target) {
            long boundary = (icount() / interval + 1) * interval;
            replayTo(Math.min(target, boundary));
            maybeCheckpoint();
        }
    }

    private void maybeCheckpoint() {
        if (icount() % interval == 0 && !checkpoints.has(icount())) {
            checkpoints.take(machine, driver.position());
        }
    }

    private ReplayDriver newDriver(long position) {
        digestsSeenByDriver = 0;
        return new ReplayDriver(machine, log, position);
    }

    /**
     * Replays to exactly {@code target} and applies every entry at {@code target} (the driver stops after the
     * first), so the state at a count is the same however it was reached. False when a breakpoint set in the hart
     * stopped it first (at a count below {@code target}, every entry up to there applied).
     */
    private boolean replayTo(long target) throws DivergenceException, InterruptedException {
        long before = icount();
        ReplayDriver.Result r = driver.run(target, 0);
        while (r.outcome() == ReplayDriver.Outcome.REACHED_TARGET && driver.position() < log.size()
                && log.await(driver.position(), 0).icount() == target) {
            r = driver.run(target, 0);
        }
        digestsChecked += r.digestsChecked() - digestsSeenByDriver;
        digestsSeenByDriver = r.digestsChecked();
        if (r.outcome() == ReplayDriver.Outcome.BREAKPOINT) {
            return false;
        }
        if (icount() != target) {
            throw new DivergenceException(icount(), "the replay could not reach instruction " + target + " from "
                    + before + " (" + r.outcome() + ")", "icount " + target, "icount " + icount());
        }
        return true;
    }

    private long digestsSeenByDriver;
}
