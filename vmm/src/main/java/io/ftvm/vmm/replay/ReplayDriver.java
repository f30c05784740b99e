package io.ftvm.vmm.replay;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.RunResult;

/**
 * Replay mode: reads a log that may still be growing and runs the machine exactly to each entry's instruction
 * count, then applies it: console input is delivered, idle advances move virtual time, digests are checked,
 * power-off is verified. It never runs past the last entry it has read (the log's horizon), and stops with a
 * {@link DivergenceException} at the first mismatch.
 */
public final class ReplayDriver {

    /** How a replay ended. */
    public enum Outcome {
        /** The guest powered off where the recording says it did. */
        POWERED_OFF,
        /** The log ended (closed) without a power-off: replayed to its last entry. */
        END_OF_LOG,
        /** Reached the requested instruction count. */
        REACHED_TARGET,
        /** No new entry arrived within the wait (the log is still open). */
        WAITING,
        /** At a debugger breakpoint ({@code Cpu.setBreakpoints}) before the next entry: call again to go on. */
        BREAKPOINT
    }

    /** The end of a replay: outcome, instruction count, guest exit code (for power-off), digests checked. */
    public record Result(Outcome outcome, long icount, int exitCode, long digestsChecked) {
    }

    private final Machine machine;
    private final EventLog log;
    private long next;
    private long digestsChecked;

    public ReplayDriver(Machine machine, EventLog log) {
        this(machine, log, 0);
    }

    /**
     * Continues a replay from entry {@code position} (e.g. on a machine restored from a snapshot taken when another
     * driver's {@link #position()} was that value).
     */
    public ReplayDriver(Machine machine, EventLog log, long position) {
        this.machine = machine;
        this.log = log;
        this.next = position;
    }

    /** Index of the next entry to apply. */
    public long position() {
        return next;
    }

    /**
     * Replays until {@code stopAt} instructions, the end of the log, a power-off, or until no entry arrives within
     * {@code waitNanos} while the log is still open. Can be called again to continue.
     */
    public Result run(long stopAt, long waitNanos) throws DivergenceException, InterruptedException {
        while (true) {
            Event e = log.await(next, waitNanos);
            if (e == null) {
                Outcome o = log.isClosed() && next >= log.size() ? Outcome.END_OF_LOG : Outcome.WAITING;
                return new Result(o, machine.icount(), 0, digestsChecked);
            }
            if (e.icount() > stopAt) {
                if (runTo(stopAt, "the requested instruction count") == null) {
                    return new Result(Outcome.BREAKPOINT, machine.icount(), 0, digestsChecked);
                }
                return new Result(Outcome.REACHED_TARGET, machine.icount(), 0, digestsChecked);
            }
            RunResult r = runTo(e.icount(), e.toString());
            if (r == null) {
                return new Result(Outcome.BREAKPOINT, machine.icount(), 0, digestsChecked);
            }
            next++;
            if (apply(e, r)) {
                return new Result(Outcome.POWERED_OFF, machine.icount(), r.exitCode(), digestsChecked);
            }
            if (machine.icount() >= stopAt) {
                return new Result(Outcome.REACHED_TARGET, machine.icount(), 0, digestsChecked);
            }
        }
    }

    /** Runs to {@code icount}; null when a debugger breakpoint stopped it first. */
    private RunResult runTo(long icount, String what) throws DivergenceException {
        RunResult r = machine.runUntil(icount);
        if (r.reason() == RunResult.Reason.BREAKPOINT) {
            return null;
        }
        if (r.icount() != icount) {
            throw new DivergenceException(r.icount(), "the machine stopped (" + r.reason() + ") before " + what,
                    "icount " + icount, "icount " + r.icount());
        }
        return r;
    }

    /** Applies one entry; true when it was the power-off that ends the recording. */
    private boolean apply(Event e, RunResult r) throws DivergenceException {
        if (e instanceof Event.Digest d) {
            long actual = machine.digest();
            digestsChecked++;
            if (actual != d.hash()) {
                throw new DivergenceException(e.icount(), "state digest mismatch",
                        String.format("%016x", d.hash()), String.format("%016x", actual));
            }
        } else if (e instanceof Event.ConsoleInput c) {
            if (c.bytes().length > machine.consoleInputSpace()) {
                throw new DivergenceException(e.icount(), "console input does not fit the UART FIFO",
                        c.bytes().length + " bytes of space", machine.consoleInputSpace() + " bytes");
            }
            machine.receiveConsole(c.bytes());
        } else if (e instanceof Event.IdleAdvance a) {
            if (!machine.cpu().waitingForInterrupt()) {
                throw new DivergenceException(e.icount(), "an idle advance while the hart is not in WFI",
                        "waiting in WFI", "running");
            }
            machine.advanceTime(a.ticks());
        } else if (e instanceof Event.TrapLoop t) {
            RunResult loop = machine.runUntil(t.icount() + 1);
            if (loop.reason() != RunResult.Reason.TRAP_LOOP || loop.icount() != t.icount()) {
                throw new DivergenceException(e.icount(), "an endless trap loop", "TRAP_LOOP at " + t.icount(),
                        loop.reason() + " at " + loop.icount());
            }
        } else if (e instanceof Event.BootWallClock w) {
            machine.setBootWallClock(w.unixNanos());
        } else if (e instanceof Event.FrameIn f) {
            if (!machine.canReceiveFrame()) {
                throw new DivergenceException(e.icount(), "a frame for the network interface",
                        "a posted receive buffer", "none");
            }
            machine.receiveFrame(f.frame());
        } else if (e instanceof Event.EntropySeed s) {
            if (!machine.hasEntropyDevice()) {
                throw new DivergenceException(e.icount(), "an entropy seed for a machine without an entropy device",
                        "an entropy device", "none");
            }
            machine.setEntropySeed(s.seed());
        } else if (e instanceof Event.PowerOff p) {
            if (r.reason() != RunResult.Reason.POWER_OFF || r.exitCode() != p.exitCode()) {
                throw new DivergenceException(e.icount(), "power-off",
                        "power-off with code " + p.exitCode(), r.reason() + " with code " + r.exitCode());
            }
            return true;
        }
        return false;
    }
}
