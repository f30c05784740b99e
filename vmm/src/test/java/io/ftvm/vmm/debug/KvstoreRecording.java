package io.ftvm.vmm.debug;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.WallClock;
import java.nio.file.Files;
import java.nio.file.Path;

/** The debugger tests' recording: the kvstore guest serving its scripted session, recorded in memory. */
final class KvstoreRecording {
    static final Path ELF = Path.of("../guests/images/kvstore.elf");

    final ElfImage image;
    final MemoryEventLog log;
    /** The instruction count the recording ends at. */
    final long end;

    KvstoreRecording() throws Exception {
        image = ElfImage.parse("kvstore.elf", Files.readAllBytes(ELF));
        QueueInputSource input = new QueueInputSource();
        input.feed(Files.readAllBytes(Path.of("../guests/sessions/kvstore.txt")));
        input.end();
        log = new MemoryEventLog();
        end = new RecordDriver(machine(), log, input, RecordConfig.defaults(), WallClock.SYSTEM,
                RecordDriver.Throttle.NONE).run(Long.MAX_VALUE).icount();
        log.close();
    }

    /** A fresh machine with the image loaded, as the recording started. */
    Machine machine() throws Exception {
        Machine m = new Machine(MachineConfig.defaults().withRam(16L << 20), (i, o, b) -> { });
        m.load(image);
        return m;
    }

    /** A replay session over the recording on a fresh machine. */
    ReplaySession session(long interval, int maxCheckpoints) throws Exception {
        return new ReplaySession(machine(), log, interval, maxCheckpoints, 64L << 20);
    }
}
