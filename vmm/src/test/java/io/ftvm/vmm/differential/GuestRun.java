package io.ftvm.vmm.differential;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.cpu.CpuObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs a guest image to power-off on our machine, in-process, and keeps what it printed. */
record GuestRun(byte[] console, int exitCode, long icount, RunResult.Reason reason) {
    /** Bound on any guest in the test set; the largest (cpubench) needs about 3.5e8. */
    static final long MAX_INSTRUCTIONS = 2_000_000_000L;

    static GuestRun of(Path image, CpuObserver observer) throws Exception {
        return of(image, observer, true);
    }

    /** Runs with block translation on or off (the interpreter alone). */
    static GuestRun of(Path image, CpuObserver observer, boolean translate) throws Exception {
        ElfImage elf = ElfImage.parse(image.toString(), Files.readAllBytes(image));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = new Machine(MachineConfig.defaults(), (icount, offset, b) -> out.write(b));
        m.load(elf);
        m.cpu().setObserver(observer);
        m.setTranslation(translate);
        RunResult r;
        int idleRounds = 0;
        while (true) {
            r = m.runUntil(MAX_INSTRUCTIONS);
            if (r.reason() == RunResult.Reason.IDLE && !r.idleWithoutWakeup() && idleRounds++ < 1_000_000) {
                m.advanceTime(Math.max(0, r.wakeTime() - m.time().now()));
                continue;
            }
            break;
        }
        return new GuestRun(out.toByteArray(), r.exitCode(), r.icount(), r.reason());
    }
}
