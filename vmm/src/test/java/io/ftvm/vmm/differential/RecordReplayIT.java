package io.ftvm.vmm.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.InputSource;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records the key-value service guest under randomized input arriving at random moments (a simulated clock, so
 * each seed is fast and repeatable), then replays the recording: console bytes with their instruction counts and
 * offsets, every digest, and the final state must be identical, with and without translation. Then a tampered
 * recording must be reported as a divergence.
 */
class RecordReplayIT {
    private static final String[] KEYS = {"a", "b", "key.1", "x_y", "long-key-name-0123456789"};

    /** Console output as (icount, offset, byte) triples. */
    private record Output(long icount, long offset, int b) {
    }

    /** Input scheduled at simulated wall-clock times; waiting advances the simulated clock. */
    private static final class ScriptedInput implements InputSource {
        private final long[] now;
        private final Deque<long[]> schedule = new ArrayDeque<>();
        private final Deque<byte[]> payloads = new ArrayDeque<>();
        private byte[] pending = new byte[0];

        ScriptedInput(long[] now) {
            this.now = now;
        }

        void at(long nanos, String text) {
            schedule.add(new long[] {nanos});
            payloads.add(text.getBytes(StandardCharsets.US_ASCII));
        }

        private void release() {
            while (!schedule.isEmpty() && schedule.peek()[0] <= now[0]) {
                schedule.poll();
                byte[] p = payloads.poll();
                byte[] merged = new byte[pending.length + p.length];
                System.arraycopy(pending, 0, merged, 0, pending.length);
                System.arraycopy(p, 0, merged, pending.length, p.length);
                pending = merged;
            }
        }

        @Override
        public int poll(byte[] buf, int max) {
            release();
            int n = Math.min(max, pending.length);
            System.arraycopy(pending, 0, buf, 0, n);
            pending = java.util.Arrays.copyOfRange(pending, n, pending.length);
            return n;
        }

        @Override
        public boolean await(long timeoutNanos) {
            release();
            if (pending.length > 0) {
                return true;
            }
            if (!schedule.isEmpty() && schedule.peek()[0] <= now[0] + timeoutNanos) {
                now[0] = Math.max(now[0], schedule.peek()[0]);
                release();
                return true;
            }
            now[0] += timeoutNanos;
            return false;
        }

        @Override
        public boolean exhausted() {
            return schedule.isEmpty() && pending.length == 0;
        }
    }

    /** Simulated wall clock: reading it costs a microsecond, sleeping advances it. */
    private record SimulatedClock(long[] now) implements WallClock {
        @Override
        public long nanoTime() {
            return now[0] += 1_000;
        }

        @Override
        public void sleep(long nanos) {
            now[0] += nanos;
        }

        @Override
        public long unixNanos() {
            return 1_700_000_000_000_000_000L + now[0];
        }
    }

    private static Machine machine(List<Output> out, boolean translate) throws Exception {
        Path image = GuestImages.directory().resolve("kvstore.elf");
        Machine m = new Machine(MachineConfig.defaults(), (icount, offset, b) -> out.add(new Output(icount, offset, b)));
        m.load(ElfImage.parse(image.toString(), Files.readAllBytes(image)));
        m.setTranslation(translate);
        return m;
    }

    private static String randomCommand(Random r) {
        String k = KEYS[r.nextInt(KEYS.length)];
        switch (r.nextInt(8)) {
            case 0: return "get " + k;
            case 1: return "del " + k;
            case 2: return "incr " + k + " " + (r.nextInt(2000) - 1000);
            case 3: return "list";
            case 4: return "sum";
            case 5: return "bogus " + r.nextInt();
            default: return "set " + k + " v" + r.nextInt(100_000);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void randomizedInputReplaysExactly(long seed) throws Exception {
        Random r = new Random(seed);
        long[] now = {0};
        ScriptedInput input = new ScriptedInput(now);
        long t = 0;
        for (int i = 0; i < 25; i++) {
            t += r.nextInt(3) == 0 ? r.nextInt(50_000_000) : r.nextInt(200_000);
            StringBuilder burst = new StringBuilder(randomCommand(r)).append('\n');
            if (r.nextBoolean()) {
                burst.append(randomCommand(r)).append('\n');
            }
            input.at(t, burst.toString());
        }
        input.at(t + 1_000_000, "quit\n");

        List<Output> recorded = new ArrayList<>();
        Machine recorder = machine(recorded, r.nextBoolean());
        MemoryEventLog log = new MemoryEventLog();
        RecordConfig config = new RecordConfig(20_000 + r.nextInt(200_000), 100_000 + r.nextInt(2_000_000),
                r.nextBoolean());
        RunResult end = new RecordDriver(recorder, log, input, config, new SimulatedClock(now),
                RecordDriver.Throttle.NONE).run(2_000_000_000L);
        log.close();
        assertThat(end.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(log.entries()).filteredOn(e -> e instanceof Event.ConsoleInput).isNotEmpty();
        assertThat(log.entries()).filteredOn(e -> e instanceof Event.IdleAdvance).isNotEmpty();
        String text = outputText(recorded);
        assertThat(text).startsWith("kvstore ready\n").endsWith("bye\n");

        for (boolean translate : new boolean[] {true, false}) {
            List<Output> replayed = new ArrayList<>();
            Machine replayer = machine(replayed, translate);
            ReplayDriver.Result res = new ReplayDriver(replayer, log).run(Long.MAX_VALUE, 0);
            assertThat(res.outcome()).isEqualTo(ReplayDriver.Outcome.POWERED_OFF);
            assertThat(res.digestsChecked()).isGreaterThanOrEqualTo(2);
            assertThat(replayed).isEqualTo(recorded);
            assertThat(replayer.digest()).isEqualTo(recorder.digest());
            assertThat(replayer.icount()).isEqualTo(recorder.icount());
        }

        // Snapshot in the middle of a replay, restore, and replay the rest from there: same final state.
        long at = 1 + (long) (r.nextDouble() * (recorder.icount() - 1));
        Machine first = machine(new ArrayList<>(), true);
        ReplayDriver prefix = new ReplayDriver(first, log);
        assertThat(prefix.run(at, 0).outcome()).isEqualTo(ReplayDriver.Outcome.REACHED_TARGET);
        java.io.ByteArrayOutputStream snap = new java.io.ByteArrayOutputStream();
        io.ftvm.vmm.snapshot.SnapshotFile.write(first, snap);
        Machine restored = io.ftvm.vmm.snapshot.SnapshotFile.read(new java.io.ByteArrayInputStream(snap.toByteArray()),
                io.ftvm.vmm.board.OutputSink.DISCARD);
        ReplayDriver.Result suffix = new ReplayDriver(restored, log, prefix.position()).run(Long.MAX_VALUE, 0);
        assertThat(suffix.outcome()).isEqualTo(ReplayDriver.Outcome.POWERED_OFF);
        assertThat(restored.digest()).isEqualTo(recorder.digest());

        // A recording with one console byte changed must be caught as a divergence, not replayed silently.
        MemoryEventLog tampered = new MemoryEventLog();
        boolean changed = false;
        for (Event e : log.entries()) {
            if (!changed && e instanceof Event.ConsoleInput c && c.bytes()[0] != 'q') {
                byte[] b = c.bytes();
                b[0] = (byte) (b[0] == 's' ? 'g' : 's');
                e = new Event.ConsoleInput(c.icount(), b);
                changed = true;
            }
            tampered.append(e);
        }
        tampered.close();
        Machine victim = machine(new ArrayList<>(), true);
        try {
            new ReplayDriver(victim, tampered).run(Long.MAX_VALUE, 0);
            Assertions.fail("a tampered recording replayed without a divergence");
        } catch (DivergenceException expected) {
            assertThat(expected.getMessage()).contains("divergence at icount");
        }
    }

    /** A mostly idle guest recorded for a (simulated) minute: its virtual time ends within 1% of wall time. */
    @org.junit.jupiter.api.Test
    void guestTimeTracksWallTimeWhileIdle() throws Exception {
        long[] now = {0};
        ScriptedInput input = new ScriptedInput(now);
        for (int s = 5; s < 60; s += 5) {
            input.at(s * 1_000_000_000L, "set t " + s + "\n");
        }
        input.at(60_000_000_000L, "quit\n");
        Machine m = machine(new ArrayList<>(), true);
        RunResult end = new RecordDriver(m, new MemoryEventLog(), input, RecordConfig.defaults(),
                new SimulatedClock(now), RecordDriver.Throttle.NONE).run(Long.MAX_VALUE);
        assertThat(end.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        double guestSeconds = m.time().now() / (double) MachineConfig.TIMEBASE_HZ;
        double wallSeconds = now[0] / 1e9;
        assertThat(wallSeconds).isBetween(60.0, 61.0);
        assertThat(Math.abs(guestSeconds - wallSeconds) / wallSeconds).as("guest %.3f s vs wall %.3f s",
                guestSeconds, wallSeconds).isLessThan(0.01);
    }

    private static String outputText(List<Output> out) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i).offset()).isEqualTo(i);
            sb.append((char) out.get(i).b());
        }
        return sb.toString();
    }
}
