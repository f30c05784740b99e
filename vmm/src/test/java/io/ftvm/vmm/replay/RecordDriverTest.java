package io.ftvm.vmm.replay;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.cpu.Asm;
import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.cpu.TestMachine;
import org.junit.jupiter.api.Test;

/** Record mode's idle handling and its unusual endings, on a simulated wall clock. */
class RecordDriverTest {
    private static final int T0 = 5;
    private static final int T1 = 6;

    /** A simulated clock: reading costs a microsecond, sleeping advances it; counts sleeps. */
    private static final class Clock implements WallClock {
        long now;
        int sleeps;
        Runnable onSleep = () -> { };

        @Override
        public long nanoTime() {
            return now += 1_000;
        }

        @Override
        public void sleep(long nanos) {
            now += nanos;
            sleeps++;
            onSleep.run();
        }

        @Override
        public long unixNanos() {
            return 1_000_000_000L * 1_700_000_000L + now;
        }
    }

    /** Arms the timer {@code ticks} ahead, waits in WFI (interrupts globally off), then passes. */
    private static Asm.Program sleeper(long mtimecmp) {
        return new Asm.Program().li(T0, 0x0200_4000L).li(T1, mtimecmp).add(sd(T1, T0, 0))
                .li(T1, Csr.MTIP).add(csrw(Csr.MIE, T1), wfi())
                .li(T0, 0x0010_0000L).li(T1, 0x5555).add(sw(T1, T0, 0), jal(0, 0));
    }

    private static long idleAdvances(MemoryEventLog log) {
        return log.entries().stream().filter(e -> e instanceof Event.IdleAdvance).count();
    }

    @Test
    void idleWithExhaustedInputSleepsInsteadOfSpinning() throws Exception {
        TestMachine m = new TestMachine().program(sleeper(20_000_000)); // two guest seconds
        QueueInputSource input = new QueueInputSource();
        input.end();
        Clock clock = new Clock();
        MemoryEventLog log = new MemoryEventLog();
        RunResult r = new RecordDriver(m.machine(), log, input, RecordConfig.defaults(), clock,
                RecordDriver.Throttle.NONE).run(Long.MAX_VALUE);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(clock.now).isBetween(2_000_000_000L, 2_200_000_000L);
        assertThat(idleAdvances(log)).as("one advance per 100 ms wait at most").isLessThanOrEqualTo(25);
    }

    @Test
    void aDeadlineBeyondTwoToTheSixtyThirdIsApproachedInStepsAndStopsOnRequest() throws Exception {
        TestMachine m = new TestMachine().program(sleeper(Long.MIN_VALUE + 5));
        Clock clock = new Clock();
        MemoryEventLog log = new MemoryEventLog();
        RecordDriver driver = new RecordDriver(m.machine(), log, InputSource.NONE, RecordConfig.defaults(), clock,
                RecordDriver.Throttle.NONE);
        clock.onSleep = () -> {
            if (clock.now > 60_000_000_000L) {
                driver.requestStop();
            }
        };
        RunResult r = driver.run(Long.MAX_VALUE);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.LIMIT);
        assertThat(clock.sleeps).as("waits in chunks, never spins").isBetween(100, 1000);
        double guestSeconds = m.machine().time().now() / 1e7;
        assertThat(guestSeconds).isBetween(59.0, 62.0);
    }

    @Test
    void anEndlessTrapLoopIsRecordedAndReplaysToTheSameState() throws Exception {
        Asm.Program p = new Asm.Program().li(T0, 0x4000).add(csrw(Csr.MTVEC, T0), 0xffffffff);
        TestMachine recorder = new TestMachine().program(p);
        MemoryEventLog log = new MemoryEventLog();
        RunResult r = new RecordDriver(recorder.machine(), log, InputSource.NONE, RecordConfig.defaults(),
                new Clock(), RecordDriver.Throttle.NONE).run(Long.MAX_VALUE);
        log.close();
        assertThat(r.reason()).isEqualTo(RunResult.Reason.TRAP_LOOP);
        assertThat(log.entries()).anyMatch(e -> e instanceof Event.TrapLoop);

        TestMachine replayer = new TestMachine().program(p);
        ReplayDriver.Result res = new ReplayDriver(replayer.machine(), log).run(Long.MAX_VALUE, 0);
        assertThat(res.outcome()).isEqualTo(ReplayDriver.Outcome.END_OF_LOG);
        assertThat(replayer.machine().digest()).isEqualTo(recorder.machine().digest());
    }
}
