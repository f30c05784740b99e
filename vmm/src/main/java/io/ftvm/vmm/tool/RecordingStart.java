package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.replay.Event;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The machine a recording starts with, rebuilt for a replay: the recorded image booted into a fresh machine of the
 * recorded size, or the start snapshot restored (with the disks it names attached), and the recording's entries as
 * a closed log. Shared by {@code ftvm replay} and {@code ftvm debug}.
 */
final class RecordingStart {
    /** The recording cannot be replayed; the message names why (without the command's prefix). */
    static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;

        StartException(String message) {
            super(message);
        }
    }

    private RecordingStart() {
    }

    /** Builds the start machine of {@code rec} (read from {@code file}), its console going to {@code sink}. */
    static Machine machine(Path file, RecordingFile.Contents rec, OutputSink sink, Attachments attachments)
            throws StartException, IOException {
        if (rec.header().startsFromSnapshot()) {
            try {
                return SnapshotFile.read(rec.header().openStartSnapshot(), sink, attachments);
            } catch (SnapshotException e) {
                throw new StartException(file + ": the start snapshot cannot be restored: " + e.getMessage());
            }
        }
        MachineConfig config;
        ElfImage elf;
        try {
            config = new MachineConfig(rec.header().ramBytes(), rec.header().instructionsPerTick());
            elf = ElfImage.parse(rec.header().imageName(), rec.header().image());
        } catch (IllegalArgumentException | InvalidImageException e) {
            throw new StartException(file + ": the recorded machine cannot be rebuilt: " + e.getMessage());
        }
        Machine machine;
        try {
            machine = new Machine(config, sink);
        } catch (OutOfMemoryError e) {
            throw new StartException("not enough memory for the recorded machine's " + (config.ramBytes() >> 20)
                    + " MiB of RAM (set FTVM_JAVA_OPTS=-Xmx...)");
        }
        try {
            machine.load(elf);
        } catch (InvalidImageException e) {
            throw new StartException(e.getMessage());
        }
        return machine;
    }

    /** The recording's entries as a closed log. */
    static MemoryEventLog log(Path file, RecordingFile.Contents rec) throws StartException {
        MemoryEventLog log = new MemoryEventLog();
        try {
            for (Event e : rec.events()) {
                log.append(e);
            }
        } catch (RecordingException e) {
            throw new StartException(file + ": " + e.getMessage());
        }
        log.close();
        return log;
    }
}
