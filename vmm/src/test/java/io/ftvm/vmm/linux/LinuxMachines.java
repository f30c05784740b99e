package io.ftvm.vmm.linux;

import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.KernelImage;
import io.ftvm.vmm.board.LinuxBoot;
import io.ftvm.vmm.board.LinuxLoader;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.board.VirtioSpec;
import io.ftvm.vmm.devices.virtio.DiskImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** In-process Linux machines for tests: the committed guest on the builtin SBI with a disk, RNG and a NIC. */
final class LinuxMachines {
    static final long MAC = VirtioSpec.parseMac("52:54:00:12:34:56");

    private LinuxMachines() {
    }

    static MachineConfig config() {
        return MachineConfig.defaults().withFirmware(MachineConfig.Firmware.BUILTIN_SBI).withVirtio(List.of(
                VirtioSpec.disk(false), VirtioSpec.entropy(), VirtioSpec.nic(MAC, true)));
    }

    /** A machine of {@link #config()} with {@code disk} attached and the guest loaded, ready to run. */
    static Machine boot(OutputSink sink, DiskImage disk) throws Exception {
        Machine m = new Machine(config(), sink, new Attachments(List.of(disk)));
        KernelImage kernel = KernelImage.parse("Image", Files.readAllBytes(LinuxGuest.kernel()));
        LinuxLoader.load(m, new LinuxBoot(kernel, Files.readAllBytes(LinuxGuest.initrd()), LinuxGuest.CMDLINE, null));
        return m;
    }

    /** Console bytes and frames out, with their instruction counts, as a sink collects them (thread-safe). */
    static final class Outputs implements OutputSink {
        final StringBuilder console = new StringBuilder();
        final List<String> frames = new ArrayList<>();
        private final java.util.function.BiConsumer<Long, byte[]> onFrame;

        Outputs(java.util.function.BiConsumer<Long, byte[]> onFrame) {
            this.onFrame = onFrame;
        }

        @Override
        public synchronized void console(long icount, long offset, int b) {
            console.append((char) b);
            notifyAll();
        }

        @Override
        public synchronized void frame(long icount, byte[] frame) {
            frames.add(icount + ":" + java.util.HexFormat.of().formatHex(frame));
            onFrame.accept(icount, frame);
        }

        synchronized String console() {
            return console.toString();
        }

        synchronized List<String> frames() {
            return new ArrayList<>(frames);
        }

        /** Waits (bounded) until the console shows {@code text} after {@code from}; returns the index after it. */
        synchronized int await(String text, int from, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (true) {
                int at = console.indexOf(text, from);
                if (at >= 0) {
                    return at + text.length();
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' on the console; it shows:\n"
                            + console.substring(Math.max(0, console.length() - 2000)));
                }
                wait(Math.min(left, 200));
            }
        }
    }

    static Path copyDisk(Path dir, String name) throws Exception {
        return LinuxGuest.diskCopy(dir, name);
    }
}
