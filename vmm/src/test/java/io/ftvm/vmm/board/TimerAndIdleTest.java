package io.ftvm.vmm.board;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.TestMachine.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.cpu.TestMachine;
import org.junit.jupiter.api.Test;

/**
 * The machine timer over virtual time (mtime = icount / instructionsPerTick + offset; CLINT mtimecmp at
 * 0x0200_4000, mtime at 0x0200_BFF8): the interrupt is taken at exactly the instruction count where mtime reaches
 * mtimecmp, WFI idles with the wake-up time, {@link Machine#advanceTime} wakes it, runUntil stops exactly.
 */
class TimerAndIdleTest {
    private static final long MTI = (1L << 63) | 7;

    /** mtimecmp = {@code cmp}; then loop: a0++. The M handler records minstret in x31. */
    private static TestMachine timerProgram(TestMachine m, int cmp, boolean globalEnable) {
        m.program(lui(T0, 0x2004), addi(T1, ZERO, cmp), sd(T1, T0, 0), addi(A0, A0, 1), jal(ZERO, -4));
        m.setCsr(Csr.MIE, Csr.MTIP).setCsr(Csr.MSTATUS, globalEnable ? Csr.MIE_BIT : 0);
        return m;
    }

    @Test
    void timerInterruptTakenExactlyWhenMtimeReachesMtimecmp() {
        TestMachine m = timerProgram(new TestMachine(), 5, true);
        RunResult r = m.runUntil(50);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.LIMIT);
        assertThat(r.icount()).isEqualTo(50);
        assertThat(m.csr(Csr.MCAUSE)).as("not yet: mtime(49) = 4").isZero();
        m.runUntil(51);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(MTI);
        assertThat(m.x(T6)).as("instructions retired before the interrupt").isEqualTo(50);
        assertThat(m.csr(Csr.MEPC)).isBetween(RAM + 12, RAM + 16);
        assertThat(m.x(A0)).isEqualTo((50 - 3 + 1) / 2);
    }

    @Test
    void timerFollowsInstructionsPerTick() {
        TestMachine m = timerProgram(new TestMachine(new MachineConfig(4L << 20, 7)), 3, true);
        m.runUntil(1000);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(MTI);
        assertThat(m.x(T6)).isEqualTo(21);
    }

    @Test
    void mtimeReadsVirtualTime() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x200c), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(),
                nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), ld(A0, T0, -8));
        m.run(25);
        assertThat(m.x(A0)).as("mtime at icount 24").isEqualTo(2);
    }

    @Test
    void runUntilStopsExactlyAtTheLimit() {
        TestMachine m = timerProgram(new TestMachine(), 1000, false);
        for (long n : new long[] {1, 2, 7, 100, 101, 5000}) {
            RunResult r = m.runUntil(n);
            assertThat(r.reason()).isEqualTo(RunResult.Reason.LIMIT);
            assertThat(r.icount()).isEqualTo(n);
            assertThat(m.icount()).isEqualTo(n);
        }
    }

    @Test
    void wfiWithArmedTimerIdlesUntilTimeIsAdvanced() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x2004), addi(T1, ZERO, 100), sd(T1, T0, 0), wfi(), addi(A0, ZERO, 42), jal(ZERO, 0));
        m.setCsr(Csr.MIE, Csr.MTIP);
        RunResult r = m.runUntil(10_000);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.IDLE);
        assertThat(r.icount()).as("wfi retired").isEqualTo(4);
        assertThat(r.wakeTime()).isEqualTo(100);
        assertThat(r.idleWithoutWakeup()).isFalse();
        assertThat(m.runUntil(10_000).reason()).as("still idle").isEqualTo(RunResult.Reason.IDLE);
        assertThat(m.icount()).isEqualTo(4);

        m.machine().advanceTime(r.wakeTime() - m.machine().time().at(m.icount()));
        RunResult after = m.runUntil(10_000);
        assertThat(after.reason()).isEqualTo(RunResult.Reason.LIMIT);
        assertThat(m.x(A0)).as("resumed after wfi (MIE = 0: no trap)").isEqualTo(42);
        assertThat(m.csr(Csr.MCAUSE)).isZero();
    }

    @Test
    void wfiWakeUpTakesTheTimerInterruptWhenEnabled() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x2004), addi(T1, ZERO, 100), sd(T1, T0, 0), wfi(), addi(A0, ZERO, 42), jal(ZERO, 0));
        m.setCsr(Csr.MIE, Csr.MTIP).setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        RunResult r = m.runUntil(10_000);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.IDLE);
        m.machine().advanceTime(100);
        m.runUntil(10_000);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(MTI);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM + 16);
        assertThat(m.x(T6)).isEqualTo(4);
        assertThat(m.x(A0)).isZero();
    }

    @Test
    void wfiWithoutArmedTimerHasNoWakeTime() {
        TestMachine m = new TestMachine();
        m.program(wfi(), nop());
        RunResult r = m.runUntil(100);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.IDLE);
        assertThat(r.wakeTime()).isEqualTo(-1);
        assertThat(r.idleWithoutWakeup()).isTrue();
    }

    @Test
    void mtimecmpInThePastInterruptsAtTheNextInstruction() {
        TestMachine m = new TestMachine();
        m.program(nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(), nop(),
                lui(T0, 0x2004), sd(ZERO, T0, 0), nop(), nop());
        m.setCsr(Csr.MIE, Csr.MTIP).setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        m.runUntil(100);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(MTI);
        assertThat(m.x(T6)).isEqualTo(14);
        assertThat(m.csr(Csr.MEPC)).isEqualTo(RAM + 56);
    }
}
