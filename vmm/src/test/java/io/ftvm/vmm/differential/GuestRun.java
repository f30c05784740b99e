package io.ftvm.vmm.differential;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.cpu.CpuObserver;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.replay.WallClock;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs a guest image to power-off on our machine, in-process, and keeps what it printed. Batch images run with
 * idle periods skipped; interactive images (with a session script) run in record mode with the script as console
 * input, and keep their recording so that it can be replayed.
 */
record GuestRun(byte[] console, int exitCode, long icount, RunResult.Reason reason, long digest,
        Optional<MemoryEventLog> recording) {
    /** Bound on any guest in the test set; the largest (cpubench) needs about 3.5e8. */
    static final long MAX_INSTRUCTIONS = 2_000_000_000L;

    static GuestRun of(Path image, CpuObserver observer) throws Exception {
        return of(image, observer, true);
    }

    /** Runs with block translation on or off (the interpreter alone). */
    static GuestRun of(Path image, CpuObserver observer, boolean translate) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = machine(image, observer, translate, out);
        Optional<Path> session = GuestImages.session(image);
        if (session.isPresent()) {
            QueueInputSource input = new QueueInputSource();
            input.feed(Files.readAllBytes(session.get()));
            input.end();
            MemoryEventLog log = new MemoryEventLog();
            RunResult r = new RecordDriver(m, log, input, RecordConfig.defaults(), WallClock.SYSTEM,
                    RecordDriver.Throttle.NONE).run(MAX_INSTRUCTIONS);
            log.close();
            return new GuestRun(out.toByteArray(), r.exitCode(), r.icount(), r.reason(), m.digest(),
                    Optional.of(log));
        }
        RunResult r = m.runSkippingIdle(MAX_INSTRUCTIONS);
        return new GuestRun(out.toByteArray(), r.exitCode(), r.icount(), r.reason(), m.digest(), Optional.empty());
    }

    /** Replays a recording made by {@link #of} on a fresh machine. */
    static GuestRun replay(Path image, EventLog recording, boolean translate) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = machine(image, CpuObserver.NONE, translate, out);
        ReplayDriver.Result r = new ReplayDriver(m, recording).run(Long.MAX_VALUE, 0);
        RunResult.Reason reason = r.outcome() == ReplayDriver.Outcome.POWERED_OFF
                ? RunResult.Reason.POWER_OFF : RunResult.Reason.LIMIT;
        return new GuestRun(out.toByteArray(), r.exitCode(), r.icount(), reason, m.digest(), Optional.empty());
    }

    private static Machine machine(Path image, CpuObserver observer, boolean translate, ByteArrayOutputStream out)
            throws Exception {
        ElfImage elf = ElfImage.parse(image.toString(), Files.readAllBytes(image));
        Machine m = new Machine(MachineConfig.defaults(), (icount, offset, b) -> out.write(b));
        m.load(elf);
        m.cpu().setObserver(observer);
        m.setTranslation(translate);
        // Translate after 50 executions instead of thousands, so that the translator sees as much of each guest as
        // possible (results never depend on the threshold; the Linux tests run the default).
        m.cpu().setTranslationThreshold(50);
        return m;
    }
}
