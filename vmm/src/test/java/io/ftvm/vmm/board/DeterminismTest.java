package io.ftvm.vmm.board;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.cpu.TestMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Determinism: the same program gives identical instruction counts, registers, CSRs and console output in every
 * run, whether it is run in one call or in many small slices, and power-off happens at the same instruction.
 */
class DeterminismTest {

    /** Main loop counts in a0; a periodic timer interrupt re-arms mtimecmp += 3, counts in s0, prints 'A'+s0%26. */
    private static TestMachine periodicTimerGuest() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x2004), addi(T1, ZERO, 3), sd(T1, T0, 0), addi(A0, A0, 1), jal(ZERO, -4));
        m.writeWords(TestMachine.HANDLER,
                lui(T3, 0x2004), ld(T4, T3, 0), addi(T4, T4, 3), sd(T4, T3, 0),
                addi(S0, S0, 1), addi(T2, ZERO, 26), remu(T2, S0, T2), addi(T2, T2, 'A'),
                lui(T5, 0x10000), sb(T2, T5, 0), mret());
        m.setCsr(Csr.MIE, Csr.MTIP).setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        return m;
    }

    private static List<Long> state(TestMachine m) {
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            s.add(m.x(i));
        }
        s.add(m.pc());
        s.add(m.icount());
        s.add(m.csr(Csr.MSTATUS));
        s.add(m.csr(Csr.MEPC));
        s.add(m.csr(Csr.MCAUSE));
        return s;
    }

    @Test
    void sameProgramTwiceGivesIdenticalState() {
        TestMachine a = periodicTimerGuest();
        TestMachine b = periodicTimerGuest();
        a.runUntil(20_000);
        b.runUntil(20_000);
        assertThat(a.x(S0)).as("interrupts taken").isGreaterThan(500);
        assertThat(state(b)).isEqualTo(state(a));
        assertThat(b.console()).isEqualTo(a.console()).hasSize((int) a.x(S0));
    }

    @Test
    void slicingTheRunDoesNotChangeTheResult() {
        TestMachine whole = periodicTimerGuest();
        whole.runUntil(20_000);
        TestMachine sliced = periodicTimerGuest();
        for (long n = 37; n < 20_000; n += 37) {
            sliced.runUntil(n);
        }
        sliced.runUntil(20_000);
        assertThat(state(sliced)).isEqualTo(state(whole));
        assertThat(sliced.console()).isEqualTo(whole.console());
    }

    @Test
    void powerOffHappensAtTheSameInstructionEveryTime() {
        long[] icounts = new long[2];
        for (int i = 0; i < 2; i++) {
            TestMachine m = periodicTimerGuest();
            // the handler's mret becomes: if (s0 == 100) write 0x5555 to the test finisher; mret
            m.writeWords(TestMachine.HANDLER + 40,
                    addi(T2, ZERO, 100), bne(S0, T2, 20), lui(T5, 0x100), lui(T2, 5), addi(T2, T2, 0x555),
                    sw(T2, T5, 0), mret());
            RunResult r = m.runUntil(1_000_000);
            assertThat(r.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
            assertThat(r.exitCode()).isZero();
            icounts[i] = r.icount();
        }
        assertThat(icounts[1]).isEqualTo(icounts[0]);
    }
}
