package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.LinuxBoot;
import io.ftvm.vmm.board.LinuxLoader;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.board.VirtioSpec;
import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.replay.DiscardingEventLog;
import io.ftvm.vmm.replay.EventLog;
import io.ftvm.vmm.replay.QueueInputSource;
import io.ftvm.vmm.replay.RecordConfig;
import io.ftvm.vmm.replay.RecordDriver;
import io.ftvm.vmm.replay.RecordingException;
import io.ftvm.vmm.replay.RecordingFile;
import io.ftvm.vmm.replay.RecordingHeader;
import io.ftvm.vmm.replay.WallClock;
import io.ftvm.vmm.snapshot.SnapshotException;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ftvm run IMAGE}: runs a guest with its console on stdout and exits with the guest's status. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a RISC-V ELF image (or a Linux kernel with --kernel) in record mode: the console is on stdin/stdout, idle periods pass in "
                + "real time, the exit code is the guest's; --record saves a recording for ftvm replay.")
public final class RunCommand implements Callable<Integer> {
    static final int EXIT_BAD_IMAGE = 3;
    static final int EXIT_SIGNATURE = 4;
    static final int EXIT_RECORDING = 6;
    static final int EXIT_LIMIT = 124;
    static final int EXIT_STUCK = 125;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "RISC-V ELF64 executable (or boot a Linux kernel with --kernel)")
    Path image;

    @picocli.CommandLine.Mixin
    LinuxBootOptions linux = new LinuxBootOptions();

    @picocli.CommandLine.Mixin
    DiskOptions disks = new DiskOptions();

    @Option(names = "--ram", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "guest RAM, e.g. 128M (default: ${DEFAULT-VALUE} bytes)", defaultValue = "134217728")
    long ram;

    @Option(names = "--max-instructions", paramLabel = "N",
            description = "stop with exit code 124 after N instructions")
    Long maxInstructions;

    @Option(names = "--signature", paramLabel = "FILE",
            description = "write memory between begin_signature and end_signature as hex words, one per line")
    Path signature;

    @Option(names = "--record", paramLabel = "FILE",
            description = "record the run (image, inputs with their instruction counts, digests) for ftvm replay")
    Path record;

    @Option(names = "--input", paramLabel = "FILE",
            description = "feed the bytes of FILE to the guest console as if typed (instead of stdin)")
    Path inputFile;

    @Option(names = "--stats",
            description = "when the guest stops, print its instruction count and guest speed on stderr "
                    + "(\"ftvm: instructions: N\")")
    boolean stats;

    @Option(names = "--interpret",
            description = "interpret every instruction (no block translation); same results, slower")
    boolean interpret;

    private final PrintStream out;
    private final PrintStream err;

    public RunCommand() {
        this(System.out, System.err);
    }

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (maxInstructions != null && maxInstructions < 0) {
            err.println("ftvm: --max-instructions must not be negative: " + maxInstructions);
            return 2;
        }
        byte[] scripted = null;
        if (inputFile != null) {
            try {
                scripted = ImageFiles.readBytes(inputFile);
            } catch (ImageFiles.ImageReadException e) {
                err.println("ftvm: --input: " + e.getMessage());
                return 2;
            }
        }
        if (image != null && isSpec(image)) {
            return runSpec(scripted);
        }
        if ((image == null) == (linux.kernel == null)) {
            err.println("ftvm: give either an ELF IMAGE or --kernel Image" + (image == null ? "" : ", not both"));
            return 2;
        }
        if (linux.strayOption() != null) {
            err.println("ftvm: " + linux.strayOption() + " needs --kernel");
            return 2;
        }
        if (signature != null && image == null) {
            err.println("ftvm: --signature needs an ELF image (it reads the begin_signature symbol)");
            return 2;
        }
        MachineConfig config;
        try {
            config = MachineConfig.defaults().withRam(ram);
        } catch (IllegalArgumentException e) {
            err.println("ftvm: --ram: " + e.getMessage());
            return 2;
        }
        java.util.List<VirtioSpec> devices;
        try {
            devices = new java.util.ArrayList<>(disks.specs());
            if (linux.present()) {
                devices.add(VirtioSpec.entropy()); // a Linux guest's RNG, seeded from a logged input
                if (linux.nicSpec() != null) {
                    devices.add(linux.nicSpec());
                }
            }
            config = config.withVirtio(devices);
        } catch (DiskOptions.DiskOptionException | IllegalArgumentException e) {
            err.println("ftvm: " + e.getMessage());
            return 2;
        }
        byte[] imageBytes = null;
        ElfImage elf = null;
        LinuxBoot boot = null;
        try {
            if (image != null) {
                imageBytes = ImageFiles.readBytes(image);
                elf = ImageFiles.parse(image, imageBytes);
            } else {
                boot = linux.read();
                config = config.withFirmware(boot.machineFirmware());
            }
        } catch (ImageFiles.ImageReadException e) {
            err.println("ftvm: " + e.getMessage());
            return EXIT_BAD_IMAGE;
        }
        java.util.List<io.ftvm.vmm.devices.virtio.DiskImage> images;
        try {
            images = disks.open();
        } catch (DiskOptions.DiskOptionException e) {
            err.println("ftvm: " + e.getMessage());
            return 2;
        }
        try {
            return run(config, elf, imageBytes, boot, scripted, images,
                    image != null ? image.toString() : linux.kernel.toString());
        } finally {
            DiskOptions.close(images);
        }
    }

    private static boolean isSpec(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** {@code ftvm run VM.yaml}: the description names the kernel, initrd, command line, RAM, disks and NIC. */
    private int runSpec(byte[] scripted) throws IOException {
        if (linux.kernel != null || linux.strayOption() != null || !disks.disks.isEmpty() || signature != null) {
            err.println("ftvm: " + image + " is a VM description: it names the kernel, initrd, command line and "
                    + "disks itself (drop --kernel, --initrd, --append, --bios, --nic, --disk, --signature)");
            return 2;
        }
        io.ftvm.vmm.spec.VmSpec spec;
        LinuxBoot boot;
        try {
            spec = new io.ftvm.vmm.spec.VmSpecLoader().load(image);
            boot = LinuxBootOptions.read(spec.kernel(), spec.initrd(), spec.cmdline(), spec.firmware());
        } catch (io.ftvm.vmm.spec.VmSpecException e) {
            err.println("ftvm: " + e.getMessage());
            return 2;
        } catch (ImageFiles.ImageReadException e) {
            err.println("ftvm: " + image + ": " + e.getMessage());
            return EXIT_BAD_IMAGE;
        }
        java.util.List<io.ftvm.vmm.devices.virtio.DiskImage> images = new java.util.ArrayList<>();
        try {
            for (io.ftvm.vmm.spec.VmSpec.Disk d : spec.disks()) {
                images.add(io.ftvm.vmm.devices.virtio.DiskImage.open(d.file(), d.readOnly()));
            }
            return run(io.ftvm.vmm.spec.VmSpecLoader.machineConfig(spec), null, null, boot, scripted, images,
                    spec.name());
        } catch (io.ftvm.vmm.devices.virtio.DiskException e) {
            err.println("ftvm: " + image + ": disks: " + e.getMessage());
            return 2;
        } finally {
            DiskOptions.close(images);
        }
    }

    private int run(MachineConfig config, ElfImage elf, byte[] imageBytes, LinuxBoot boot, byte[] scripted,
            java.util.List<io.ftvm.vmm.devices.virtio.DiskImage> images, String name) throws IOException {
        OutputStream console = new BufferedOutputStream(out, 1 << 16);
        Machine machine = new Machine(config, (icount, offset, b) -> write(console, b),
                new io.ftvm.vmm.board.Attachments(images));
        machine.setTranslation(!interpret);
        try {
            if (elf != null) {
                machine.load(elf);
            } else {
                LinuxLoader.load(machine, boot);
            }
        } catch (InvalidImageException e) {
            err.println("ftvm: " + e.getMessage());
            return EXIT_BAD_IMAGE;
        }
        QueueInputSource input = new QueueInputSource();
        if (scripted != null) {
            input.feed(scripted);
            input.end();
        } else {
            input.pumpFrom(System.in, "ftvm-stdin");
        }
        EventLog log;
        try {
            log = record == null ? new DiscardingEventLog() : RecordingFile.create(record, elf != null
                    ? new RecordingHeader(config.ramBytes(), config.instructionsPerTick(), image.toString(), imageBytes)
                    : RecordingHeader.fromSnapshot(name, startSnapshot(machine)));
        } catch (RecordingException | SnapshotException e) {
            err.println("ftvm: --record: " + e.getMessage());
            return 2;
        }
        long limit = maxInstructions == null ? Long.MAX_VALUE : maxInstructions;
        RecordDriver driver = new RecordDriver(machine, log, input, RecordConfig.defaults(), WallClock.SYSTEM,
                icount -> flush(console));
        long started = System.nanoTime();
        try {
            RunResult r = driver.run(limit);
            console.flush();
            if (stats) {
                double seconds = (System.nanoTime() - started) / 1e9;
                err.printf("ftvm: instructions: %d%nftvm: run_seconds: %.3f%n", machine.icount(), seconds);
            }
            return report(machine, elf, r, limit);
        } catch (RecordingException e) {
            console.flush();
            err.println("ftvm: recording failed: " + e.getMessage());
            return EXIT_RECORDING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_STUCK;
        } finally {
            console.flush();
            try {
                log.close();
            } catch (RecordingException e) {
                err.println("ftvm: " + e.getMessage());
            }
        }
    }

    /** A Linux boot is recorded from the machine as loaded (kernel, initrd, device tree, hart at the entry). */
    private static byte[] startSnapshot(Machine machine) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1 << 20);
        SnapshotFile.write(machine, bytes);
        return bytes.toByteArray();
    }

    private static void flush(OutputStream console) {
        try {
            console.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(OutputStream console, int b) {
        try {
            console.write(b);
            if (b == '\n') {
                console.flush();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int report(Machine machine, ElfImage elf, RunResult r, long limit) {
        switch (r.reason()) {
            case POWER_OFF:
                if (!writeSignature(machine, elf)) {
                    return EXIT_SIGNATURE;
                }
                return guestStatus(r.exitCode());
            case TRAP_LOOP:
                err.printf("ftvm: the guest is stuck at icount %d: traps repeat without any instruction "
                        + "executing (mcause 0x%x, mepc 0x%x, mtval 0x%x, mtvec 0x%x)%n", r.icount(),
                        machine.cpu().csrs().peek(Csr.MCAUSE), machine.cpu().csrs().peek(Csr.MEPC),
                        machine.cpu().csrs().peek(Csr.MTVAL), machine.cpu().csrs().peek(Csr.MTVEC));
                return EXIT_STUCK;
            case RESET:
                err.println("ftvm: the guest requested a reset at icount " + r.icount() + "; reset is not supported");
                return EXIT_STUCK;
            case IDLE:
                err.println("ftvm: the guest waits in WFI at icount " + r.icount()
                        + " with no interrupt that could wake it");
                return EXIT_STUCK;
            default:
                err.println("ftvm: instruction limit reached: " + limit + " instructions executed"
                        + " without the guest powering off");
                return writeSignature(machine, elf) ? EXIT_LIMIT : EXIT_SIGNATURE;
        }
    }

    /**
     * A guest's failure code as a process status: the finisher carries 16 bits, a process status 8, so a code
     * whose low byte is zero would read as a pass; it becomes 1. The full code is printed on stderr.
     */
    private int guestStatus(int code) {
        if (code == 0) {
            return 0;
        }
        err.println("ftvm: the guest reported failure with code " + code);
        int status = code & 0xff;
        return status == 0 ? 1 : status;
    }

    /** Writes the signature file if asked; false (with a message) if it could not be written. */
    private boolean writeSignature(Machine machine, ElfImage elf) {
        if (signature == null || elf == null) {
            return true;
        }
        long begin = elf.symbol("begin_signature").orElse(-1L);
        long end = elf.symbol("end_signature").orElse(-1L);
        if (begin < 0 || end < begin) {
            err.println("ftvm: --signature: the image has no begin_signature/end_signature symbols");
            return true;
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(signature, StandardCharsets.US_ASCII))) {
            for (long a = begin; a + 4 <= end; a += 4) {
                int off = (int) (a - machine.ram().base());
                w.printf("%08x%n", machine.ram().read(off, 4));
            }
            if (w.checkError()) {
                throw new IOException("write error");
            }
        } catch (IOException e) {
            err.println("ftvm: --signature: cannot write " + signature + ": " + e.getMessage());
            return false;
        }
        return true;
    }
}
