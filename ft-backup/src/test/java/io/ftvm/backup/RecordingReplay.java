package io.ftvm.backup;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.replay.ReplayDriver;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper (as in ft-primary's tests): replays recording bytes the way {@code ftvm replay} does (read, restore the start, replay all). */
record RecordingReplay(ReplayDriver.Result result, Machine machine, long startIcount, long startConsoleOffset,
        String console) {

    static RecordingReplay of(byte[] recording, Path scratch) throws Exception {
        Path file = Files.createTempFile(scratch, "copy", ".rec");
        Files.write(file, recording);
        RecordingFile.Contents c = RecordingFile.read(file);
        if (c.tornTailBytes() != 0) {
            throw new AssertionError("a copy has a torn tail of " + c.tornTailBytes() + " bytes");
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Machine m = SnapshotFile.read(c.header().openStartSnapshot(), (icount, offset, b) -> console.write(b));
        long start = m.icount();
        long startOffset = m.consoleOffset();
        MemoryEventLog log = new MemoryEventLog();
        for (Event e : c.events()) {
            log.append(e);
        }
        log.close();
        ReplayDriver.Result r = new ReplayDriver(m, log).run(Long.MAX_VALUE, 0);
        return new RecordingReplay(r, m, start, startOffset, console.toString(StandardCharsets.ISO_8859_1));
    }
}
