package io.ftvm.vmm.debug;

import static org.assertj.core.api.Assertions.assertThat;


import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.debug.ReplaySession.Stop;
import io.ftvm.vmm.debug.ReplaySession.StopKind;
import io.ftvm.vmm.debug.ReplaySession.Watchpoint;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replay debugger's engine on a recording of the kvstore guest serving its scripted session: any point reached
 * by seeking (backwards through checkpoints, forwards) is exactly the state a straight replay has there; breakpoint
 * and watchpoint searches, forwards and backwards, find exactly what single-stepping the whole recording finds.
 */
class ReplaySessionTest {
    private static KvstoreRecording rec;
    private static ElfImage image;
    private static MemoryEventLog recording;
    private static long end;

    @BeforeAll
    static void record() throws Exception {
        rec = new KvstoreRecording();
        image = rec.image;
        recording = rec.log;
        end = rec.end;
    }

    private static Machine machine() throws Exception {
        return rec.machine();
    }

    /** A session with checkpoints every 50,000 instructions, at most 8 (so thinning happens). */
    private static ReplaySession session() throws Exception {
        return rec.session(50_000, 8);
    }

    /** Registers, pc, privilege and the state digest of a machine. */
    private static String state(Machine m) {
        long[] x = new long[32];
        for (int i = 0; i < 32; i++) {
            x[i] = m.cpu().register(i);
        }
        return m.icount() + " pc=" + Long.toHexString(m.cpu().pc()) + " priv=" + m.cpu().privilege() + " x="
                + Arrays.toString(x) + " digest=" + Long.toHexString(m.digest());
    }

    /** The state of a straight replay at {@code icount} (every entry at it applied). */
    private static String straight(long icount) throws Exception {
        Machine m = machine();
        ReplayDriver d = new ReplayDriver(m, recording);
        ReplayDriver.Result r = d.run(icount, 0);
        while (d.position() < recording.size() && recording.await(d.position(), 0).icount() == icount
                && r.outcome() == ReplayDriver.Outcome.REACHED_TARGET) {
            r = d.run(icount, 0);
        }
        return state(m);
    }

    @Test
    void anyPointReachedBySeekingIsTheStraightReplaysState() throws Exception {
        ReplaySession s = session();
        assertThat(s.endIcount()).isEqualTo(end);
        s.seek(end); // leaves checkpoints along the way, thinned to 8
        assertThat(s.checkpointUsage().count()).isLessThanOrEqualTo(8);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 12; i++) {
            long at = random.nextLong(end + 1);
            s.seek(at);
            assertThat(state(s.machine())).as("seek to %d", at).isEqualTo(straight(at));
        }
        s.seek(end / 2);
        s.stepBack();
        assertThat(state(s.machine())).isEqualTo(straight(end / 2 - 1));
        s.stepForward();
        s.stepForward();
        assertThat(state(s.machine())).isEqualTo(straight(end / 2 + 1));
        assertThat(s.digestsChecked()).isPositive();
    }

    @Test
    void theEndsOfTheRecordingAreReported() throws Exception {
        ReplaySession s = session();
        assertThat(s.stepBack().kind()).isEqualTo(StopKind.HISTORY_BEGIN);
        assertThat(s.continueBackward().kind()).isEqualTo(StopKind.HISTORY_BEGIN);
        assertThat(s.continueForward()).isEqualTo(new Stop(StopKind.HISTORY_END, end, null));
        assertThat(s.stepForward().kind()).isEqualTo(StopKind.HISTORY_END);
        assertThat(s.seek(end + 100).icount()).as("clamped").isEqualTo(end);
    }

    @Test
    void breakpointSearchesFindWhatSteppingFinds() throws Exception {
        long pc = image.symbol("put").orElseThrow();
        List<Long> hits = new ArrayList<>();
        ReplaySession stepper = session();
        while (stepper.icount() < end) {
            if (stepper.machine().cpu().pc() == pc) {
                hits.add(stepper.icount());
            }
            stepper.stepForward();
        }
        assertThat(hits).hasSizeGreaterThan(3);

        ReplaySession s = session();
        s.addBreakpoint(pc);
        List<Long> forward = new ArrayList<>();
        for (Stop stop = s.continueForward(); stop.kind() == StopKind.BREAKPOINT; stop = s.continueForward()) {
            assertThat(s.machine().cpu().pc()).isEqualTo(pc);
            forward.add(stop.icount());
        }
        assertThat(forward).isEqualTo(hits);
        assertThat(s.icount()).isEqualTo(end);

        List<Long> backward = new ArrayList<>();
        for (Stop stop = s.continueBackward(); stop.kind() == StopKind.BREAKPOINT; stop = s.continueBackward()) {
            if (backward.size() < 3) {
                assertThat(state(s.machine())).isEqualTo(straight(stop.icount()));
            }
            backward.add(0, stop.icount());
        }
        assertThat(backward).isEqualTo(hits);
        assertThat(s.icount()).isEqualTo(0);
    }

    @Test
    void watchpointSearchesFindTheAccessesSteppingSees() throws Exception {
        long nkeys = image.symbol("nkeys").orElseThrow();
        ReplaySession s = session();
        Watchpoint write = new Watchpoint(Watchpoint.Kind.WRITE, nkeys, 4);
        s.addWatchpoint(write);
        GuestMemory mem = s.memory();
        Stop first = s.continueForward();
        assertThat(first.kind()).isEqualTo(StopKind.WATCHPOINT);
        assertThat(first.watch()).isEqualTo(write);
        assertThat(mem.readValue(nkeys, 4)).as("the start-up code clears .bss first").isZero();
        Stop second = untilValue(s, nkeys, 1);
        assertThat(s.icount()).isEqualTo(second.icount());
        second = untilValue(s, nkeys, 2);
        // backwards: stops right after the write (where going forward stopped), then before the previous one
        s.stepForward();
        Stop back = s.continueBackward();
        assertThat(back.kind()).isEqualTo(StopKind.WATCHPOINT);
        assertThat(back.icount()).isEqualTo(second.icount());
        assertThat(mem.readValue(nkeys, 4)).isEqualTo(2L);
        s.stepBack();
        assertThat(mem.readValue(nkeys, 4)).as("the store undone").isEqualTo(1L);
        s.removeWatchpoint(write);
        assertThat(s.continueBackward().kind()).isEqualTo(StopKind.HISTORY_BEGIN);
        assertThat(s.removeWatchpoint(write)).isFalse();
    }

    @Test
    void userBreakpointsBoundToAnotherAddressSpaceDoNotHit() throws Exception {
        ReplaySession s = session();
        s.addBreakpoint(image.symbol("put").orElseThrow());
        MonitorCommands monitor = new MonitorCommands(s);
        assertThat(monitor.run("user-space 0x8000000000012345").output()).contains("only while satp is 0x8000000000012345");
        assertThat(s.continueForward().kind()).as("kvstore runs with satp 0").isEqualTo(StopKind.HISTORY_END);
        assertThat(s.continueBackward().kind()).isEqualTo(StopKind.HISTORY_BEGIN);
        assertThat(monitor.run("user-space this").output()).contains("only while satp is 0x0");
        assertThat(s.continueForward().kind()).isEqualTo(StopKind.BREAKPOINT);
        assertThat(monitor.run("user-space any").output()).contains("any address space");
        assertThat(monitor.run("user-space nonsense").output()).contains("not a satp value");
    }

    @Test
    void aBreakpointOnATrapVectorIsFoundBackwardsWhereItWasHitForwards() throws Exception {
        // isa-exc takes exceptions on purpose: its vector runs at the count of the instruction that trapped
        ElfImage exc = ElfImage.parse("isa-exc.elf", Files.readAllBytes(Path.of("../guests/images/isa-exc.elf")));
        MemoryEventLog log = new MemoryEventLog();
        Machine recorder = new Machine(MachineConfig.defaults().withRam(16L << 20), (i, o, b) -> { });
        recorder.load(exc);
        new RecordDriver(recorder, log, new QueueInputSource(), RecordConfig.defaults(), WallClock.SYSTEM,
                RecordDriver.Throttle.NONE).run(Long.MAX_VALUE);
        log.close();
        Machine m = new Machine(MachineConfig.defaults().withRam(16L << 20), (i, o, b) -> { });
        m.load(exc);
        ReplaySession s = new ReplaySession(m, log, 20_000, 8, 64L << 20);
        long vector = exc.symbol("trap_vec").orElseThrow();
        s.addBreakpoint(vector);
        List<Long> forward = new ArrayList<>();
        for (Stop stop = s.continueForward(); stop.kind() == StopKind.BREAKPOINT; stop = s.continueForward()) {
            forward.add(stop.icount());
        }
        assertThat(forward).hasSizeGreaterThan(3);
        List<Long> backward = new ArrayList<>();
        for (Stop stop = s.continueBackward(); stop.kind() == StopKind.BREAKPOINT; stop = s.continueBackward()) {
            assertThat(m.cpu().pc()).as("at the vector, not before the trap").isEqualTo(vector);
            backward.add(0, stop.icount());
        }
        assertThat(backward).isEqualTo(forward);
    }

    /** Continues forward from watchpoint stop to watchpoint stop until the 4 bytes at {@code at} hold {@code v}. */
    private static Stop untilValue(ReplaySession s, long at, long v) throws Exception {
        for (int i = 0; i < 100; i++) {
            Stop stop = s.continueForward();
            assertThat(stop.kind()).isEqualTo(StopKind.WATCHPOINT);
            if (s.memory().readValue(at, 4) == v) {
                return stop;
            }
        }
        throw new AssertionError("no write of " + v);
    }
}
