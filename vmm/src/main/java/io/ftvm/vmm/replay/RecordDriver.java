package io.ftvm.vmm.replay;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;

/**
 * Record mode: runs a machine in slices, delivers console input between slices and at idle, lets idle periods pass
 * in real time, and logs every nondeterministic input with its exact instruction count, plus periodic digests.
 *
 * <p>Virtual time is anchored to the wall clock at start: an idle guest sleeps until the wall-clock time its timer
 * deadline corresponds to (or until input arrives), then virtual time advances to where the wall clock is (never
 * past the deadline). Over mostly idle periods, guest time therefore tracks wall time; the advance is logged.
 *
 * <p>The clock and the input source are injected, so tests drive it without real waiting.
 */
public final class RecordDriver {
    /** Where entropy seeds come from: the host's strong random source (a seed is logged, so replay needs none). */
    private final java.security.SecureRandom seeds = new java.security.SecureRandom();
    /** Longest single wait, so a stop request is noticed promptly. */
    private static final long MAX_WAIT_NANOS = 100_000_000L;
    /** How often an idle guest's frame source is looked at. */
    private static final long FRAME_POLL_NANOS = 1_000_000L;
    /** Longest idle period handled in one go (10 s of guest time); longer deadlines are approached in steps. */
    private static final long MAX_IDLE_TICKS = 10 * MachineConfig.TIMEBASE_HZ;

    /** Lets a caller slow the machine down (backpressure from a slow backup); called before every slice. */
    @FunctionalInterface
    public interface Throttle {
        Throttle NONE = icount -> { };

        void awaitPermit(long icount) throws InterruptedException;
    }

    private final Machine machine;
    private final EventLog log;
    private final InputSource input;
    private final RecordConfig config;
    private final WallClock clock;
    private final Throttle throttle;
    private final byte[] inputBuf = new byte[EventCodec.MAX_INPUT];
    private volatile boolean stopRequested;
    private volatile boolean pauseRequested;
    private FrameSource frames = FrameSource.NONE;
    private long nextDigest;
    private long anchorNanos;
    private long anchorTicks;

    public RecordDriver(Machine machine, EventLog log, InputSource input, RecordConfig config,
            WallClock clock, Throttle throttle) {
        this.machine = machine;
        this.log = log;
        this.input = input;
        this.config = config;
        this.clock = clock;
        this.throttle = throttle;
    }

    /** Sets where frames for the guest's network interface come from (none by default). */
    public void setFrameSource(FrameSource source) {
        this.frames = source;
    }

    /** Asks {@link #run} to return at the next slice boundary or wake-up, now and every later time it is called. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Asks the current (or next) {@link #run} to return once at the next slice boundary or wake-up, e.g. to take a
     * snapshot; a later {@code run} continues the recording.
     */
    public void requestPause() {
        pauseRequested = true;
    }

    /**
     * Runs until the guest powers off, gets stuck, {@code stopAt} instructions have run, or a stop is requested.
     * Returns the last result of the machine (a {@link RunResult.Reason#LIMIT} for a stop).
     */
    public RunResult run(long stopAt) throws RecordingException, InterruptedException {
        anchorNanos = clock.nanoTime();
        anchorTicks = machine.time().now();
        if (machine.icount() == 0) {
            long boot = clock.unixNanos();
            log.append(new Event.BootWallClock(0, boot));
            machine.setBootWallClock(boot);
            if (machine.hasEntropyDevice()) {
                byte[] seed = new byte[32];
                seeds.nextBytes(seed);
                log.append(new Event.EntropySeed(0, seed));
                machine.setEntropySeed(seed);
            }
        }
        log.append(new Event.Digest(machine.icount(), machine.digest()));
        nextDigest = config.digestInstructions() == 0 ? Long.MAX_VALUE
                : machine.icount() + config.digestInstructions();
        while (true) {
            throttle.awaitPermit(machine.icount());
            deliverInput();
            deliverFrames();
            long limit = Math.min(Math.min(machine.icount() + config.sliceInstructions(), nextDigest), stopAt);
            RunResult r = machine.runUntil(limit);
            switch (r.reason()) {
                case POWER_OFF:
                    log.append(new Event.Digest(r.icount(), machine.digest()));
                    log.append(new Event.PowerOff(r.icount(), r.exitCode()));
                    return r;
                case TRAP_LOOP:
                    log.append(new Event.TrapLoop(r.icount()));
                    return finish(r);
                case RESET:
                    return finish(r);
                case IDLE:
                    if (r.idleWithoutWakeup() && (!machine.wakesOnInput()
                            || input.exhausted() && frames == FrameSource.NONE)) {
                        return finish(r); // no timer, and no input that could come or wake it
                    }
                    if (config.horizonEntries()) {
                        log.append(new Event.Horizon(r.icount())); // everything before the idle period is final
                    }
                    if (!idle(r)) {
                        pauseRequested = false;
                        return finish(new RunResult(RunResult.Reason.LIMIT, machine.icount(), 0, -1));
                    }
                    break;
                default:
                    if (r.icount() >= nextDigest) {
                        log.append(new Event.Digest(r.icount(), machine.digest()));
                        nextDigest = r.icount() + config.digestInstructions();
                    }
                    if (config.horizonEntries()) {
                        log.append(new Event.Horizon(r.icount()));
                    }
                    if (r.icount() >= stopAt) {
                        return finish(r);
                    }
                    break;
            }
            if (stopRequested || pauseRequested) {
                pauseRequested = false;
                return finish(new RunResult(RunResult.Reason.LIMIT, machine.icount(), 0, -1));
            }
        }
    }

    private RunResult finish(RunResult r) throws RecordingException {
        log.append(new Event.Digest(machine.icount(), machine.digest()));
        log.append(new Event.Horizon(machine.icount()));
        return r;
    }

    /** Delivers as much pending input as the UART can take, logging it first. */
    private boolean deliverInput() throws RecordingException {
        int space = Math.min(machine.consoleInputSpace(), inputBuf.length);
        if (space == 0) {
            return false;
        }
        int n = input.poll(inputBuf, space);
        if (n == 0) {
            return false;
        }
        byte[] bytes = java.util.Arrays.copyOf(inputBuf, n);
        log.append(new Event.ConsoleInput(machine.icount(), bytes));
        machine.receiveConsole(bytes);
        return true;
    }

    /**
     * Delivers pending network frames while the guest has receive buffers, logging each first. A frame that could
     * never be received (too long, empty) is dropped at the door, as a NIC would.
     */
    private boolean deliverFrames() throws RecordingException {
        boolean any = false;
        byte[] frame;
        while ((frame = frames.peek()) != null) {
            if (frame.length == 0 || frame.length > EventCodec.MAX_FRAME) {
                frames.remove();
                continue;
            }
            if (!machine.canReceiveFrame()) {
                return any;
            }
            frames.remove();
            log.append(new Event.FrameIn(machine.icount(), frame));
            machine.receiveFrame(frame);
            any = true;
        }
        return any;
    }

    /** Wall-clock nanoseconds at which virtual time reaches {@code ticks}. */
    private long wallNanosFor(long ticks) {
        return anchorNanos + (long) ((ticks - anchorTicks) * (1e9 / MachineConfig.TIMEBASE_HZ));
    }

    private long ticksAtWall(long nanos) {
        return anchorTicks + (long) ((nanos - anchorNanos) * (MachineConfig.TIMEBASE_HZ / 1e9));
    }

    /**
     * The guest waits for its timer at {@code r.wakeTime()}: sleep until then in wall-clock terms or until input
     * arrives, then advance virtual time and deliver the input. Returns false when stopped.
     */
    private boolean idle(RunResult r) throws RecordingException, InterruptedException {
        long start = machine.time().now();
        long wake = r.wakeTime();
        long distance = wake - start; // mtimecmp is unsigned: a deadline at 2^63 or beyond reads as negative here
        if (distance < 0 || distance > MAX_IDLE_TICKS) {
            wake = start + MAX_IDLE_TICKS; // a far-off deadline: come back to the run loop every MAX_IDLE_TICKS
        }
        while (!stopRequested && !pauseRequested) {
            long now = machine.time().now();
            long deadline = wallNanosFor(wake);
            long left = deadline - clock.nanoTime();
            boolean inputPending = false;
            boolean framePending = frames.peek() != null && machine.canReceiveFrame();
            if (left > 0 && !framePending) {
                // A frame source cannot wake this wait: look at it every millisecond.
                long chunk = Math.min(left, frames == FrameSource.NONE ? MAX_WAIT_NANOS : FRAME_POLL_NANOS);
                if (machine.consoleInputSpace() > 0 && !input.exhausted()) {
                    long t0 = clock.nanoTime();
                    inputPending = input.await(chunk);
                    long rest = chunk - (clock.nanoTime() - t0);
                    if (!inputPending && rest > 0) {
                        clock.sleep(rest); // the source returned early without input: never spin
                    }
                } else {
                    clock.sleep(chunk);
                }
            }
            long wallTicks = ticksAtWall(clock.nanoTime());
            long target = Math.min(wake, Math.max(now, wallTicks));
            if (target > now) {
                log.append(new Event.IdleAdvance(machine.icount(), target - now));
                machine.advanceTime(target - now);
            }
            boolean delivered = inputPending && deliverInput();
            delivered |= deliverFrames();
            if (target >= wake || delivered) {
                return true;
            }
        }
        return false;
    }
}
