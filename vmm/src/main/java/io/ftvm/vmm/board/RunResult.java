package io.ftvm.vmm.board;

/**
 * Why {@link Machine#runUntil(long)} returned.
 *
 * @param reason    what stopped execution
 * @param icount    the instruction count at the stop
 * @param exitCode  the guest's finisher status for {@link Reason#POWER_OFF} (0 = pass), else 0
 * @param wakeTime  for {@link Reason#IDLE}: the {@code mtime} (unsigned) at which a timer interrupt wakes the hart,
 *                  or -1 (all ones, the value that never comes) if no armed timer can wake it
 */
public record RunResult(Reason reason, long icount, int exitCode, long wakeTime) {

    /** The kinds of stop. */
    public enum Reason {
        /** Executed exactly up to the requested instruction count. */
        LIMIT,
        /** The guest waits in WFI with nothing pending. */
        IDLE,
        /** The guest powered the machine off (test finisher). */
        POWER_OFF,
        /** The guest requested a reset (test finisher). */
        RESET,
        /** At a debugger breakpoint, before the instruction there ({@code Cpu.setBreakpoints}). */
        BREAKPOINT,
        /** The hart takes trap after trap without executing an instruction (e.g. its trap vector is unmapped). */
        TRAP_LOOP
    }

    public boolean idleWithoutWakeup() {
        return reason == Reason.IDLE && wakeTime == -1;
    }
}
