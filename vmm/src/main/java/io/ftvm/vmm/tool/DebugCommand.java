package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.debug.DebugServer;
import io.ftvm.vmm.debug.ReplaySession;
import io.ftvm.vmm.replay.DivergenceException;
import io.ftvm.vmm.replay.MemoryEventLog;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.RecordingFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftvm debug RECORDING}: a GDB server over a replay of the recording, with reverse execution. The guest's
 * console output goes to stdout as the replay first reaches it (once, however often the replay goes back over it).
 * A recording of a machine with disks needs them as they were when it started ({@code --disk}, as for
 * {@code ftvm replay}); they are only read: the guest's writes stay in memory, kept with each checkpoint.
 */
@Command(name = "debug", mixinStandardHelpOptions = true,
        description = "Serve a replay of a recording to GDB (gdb-multiarch: 'target remote HOST:PORT'), forwards and "
                + "backwards: breakpoints, watchpoints, stepi, reverse-stepi, reverse-continue, 'monitor help'.")
public final class DebugCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RECORDING", description = "recording file (ftvm run --record, or fetched "
            + "from ftd)")
    Path file;

    @Option(names = "--gdb", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:1234",
            description = "where GDB connects (default ${DEFAULT-VALUE}; port 0 picks a free one). Loopback unless "
                    + "you name another address: the server has no authentication.")
    String gdb;

    @Option(names = "--symbols", paramLabel = "ELF", description = "the guest program's ELF (or vmlinux), for the "
            + "GDB command line this prints")
    Path symbols;

    @Option(names = "--checkpoint-interval", paramLabel = "N", defaultValue = "2000000",
            description = "instructions between checkpoints kept going forward (default ${DEFAULT-VALUE})")
    long interval;

    @Option(names = "--checkpoint-mib", paramLabel = "MIB", defaultValue = "512",
            description = "memory the checkpoints may use (default ${DEFAULT-VALUE} MiB)")
    long checkpointMib;

    @picocli.CommandLine.Mixin
    DiskOptions disks = new DiskOptions();

    @Option(names = "--once", description = "exit when the first GDB client disconnects")
    boolean once;

    @Option(names = "--no-verify", description = "serve at once, instead of first replaying the whole recording to "
            + "check its digests (a divergence is then found when the replay reaches it)")
    boolean noVerify;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException, InterruptedException {
        InetSocketAddress bind;
        try {
            bind = parseBind(gdb);
        } catch (IllegalArgumentException e) {
            err.println("ftvm debug: --gdb " + gdb + ": " + e.getMessage());
            return 2;
        }
        if (interval < 1000 || checkpointMib < 16) {
            err.println("ftvm debug: --checkpoint-interval must be at least 1000 and --checkpoint-mib at least 16");
            return 2;
        }
        RecordingFile.Contents rec;
        try {
            rec = RecordingFile.read(file);
        } catch (RecordingException e) {
            err.println("ftvm debug: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        if (rec.tornTailBytes() > 0) {
            err.println("ftvm debug: " + file + ": cut a torn tail of " + rec.tornTailBytes() + " bytes");
        }
        List<io.ftvm.vmm.devices.virtio.DiskImage> images;
        try {
            images = disks.openOverlays(); // the files are only read: what the guest writes stays in memory
        } catch (DiskOptions.DiskOptionException e) {
            err.println("ftvm debug: " + e.getMessage());
            return 2;
        }
        Machine machine;
        MemoryEventLog log;
        try {
            machine = RecordingStart.machine(file, rec, new OnceSink(System.out), new Attachments(images));
            log = RecordingStart.log(file, rec);
        } catch (RecordingStart.StartException e) {
            DiskOptions.close(images);
            err.println("ftvm debug: " + e.getMessage());
            return RunCommand.EXIT_BAD_IMAGE;
        }
        ReplaySession session;
        try {
            session = new ReplaySession(machine, log, interval, 256, checkpointMib << 20);
            if (!noVerify) {
                // the whole recording once: its digests checked, and checkpoints spread along it for the seeks to come
                long t0 = System.nanoTime();
                session.seek(session.endIcount());
                err.printf("ftvm debug: %s: replayed to its end in %.1f s, %d digests verified%n", file,
                        (System.nanoTime() - t0) / 1e9, session.digestsChecked());
                session.seek(session.startIcount());
            }
        } catch (DivergenceException e) {
            err.println("ftvm debug: " + file + ": the recording does not replay exactly: " + e.getMessage());
            return ReplayCommand.EXIT_DIVERGED;
        }
        try (DebugServer server = new DebugServer(session, bind, err)) {
            InetSocketAddress a = server.address();
            String where = a.getAddress().getHostAddress() + ":" + a.getPort();
            err.println("ftvm debug: " + file + ": instructions " + session.startIcount() + " to "
                    + session.endIcount() + "; GDB server listening on " + where);
            err.println("ftvm debug: connect with: gdb-multiarch -ex 'target remote " + where + "'"
                    + (symbols == null ? "" : " " + symbols));
            server.serve(once);
        }
        return 0;
    }

    static InetSocketAddress parseBind(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + hostPort.substring(0, colon));
        }
    }

    /** Console output, each stream offset printed once (going back replays output already printed). */
    private static final class OnceSink implements OutputSink {
        private final PrintStream out;
        private long printed;

        OnceSink(PrintStream out) {
            this.out = out;
        }

        @Override
        public void console(long icount, long offset, int b) {
            if (offset >= printed) {
                out.write(b);
                printed = offset + 1;
                if (b == '\n') {
                    out.flush();
                }
            }
        }
    }
}
