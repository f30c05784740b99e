package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.DeviceTree;
import io.ftvm.vmm.board.MachineConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftvm dumpdtb FILE}: writes the device tree blob the machine gives its guest (as QEMU's
 * {@code -machine dumpdtb=FILE} does), for {@code dtc -I dtb -O dts FILE}.
 */
@Command(name = "dumpdtb", mixinStandardHelpOptions = true,
        description = "Write the machine's device tree blob (DTB) to FILE: a bare board's (--ram, --append), or "
                + "exactly the one a VM description's guest is given (--vm), with its devices and initrd range.")
public final class DumpDtbCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "where to write the DTB")
    Path file;

    @Option(names = "--ram", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "guest RAM, e.g. 512M (default: ${DEFAULT-VALUE} bytes)", defaultValue = "134217728")
    long ram;

    @Option(names = "--append", paramLabel = "CMDLINE", defaultValue = "",
            description = "the kernel command line (chosen/bootargs)")
    String append;

    @Option(names = "--vm", paramLabel = "VM.yaml",
            description = "the device tree of this VM as it boots (its RAM, devices, command line and initrd)")
    Path vm;

    private final PrintStream err;

    public DumpDtbCommand() {
        this(System.err);
    }

    DumpDtbCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() {
        byte[] dtb;
        if (vm != null) {
            try {
                dtb = vmDeviceTree();
            } catch (io.ftvm.vmm.spec.VmSpecException | ImageFiles.ImageReadException
                    | io.ftvm.vmm.board.InvalidImageException e) {
                err.println("ftvm: " + e.getMessage());
                return 2;
            }
        } else {
            try {
                dtb = DeviceTree.generate(MachineConfig.defaults().withRam(ram), append, DeviceTree.Initrd.NONE);
            } catch (IllegalArgumentException e) {
                err.println("ftvm: " + e.getMessage());
                return 2;
            }
        }
        try {
            Files.write(file, dtb);
        } catch (IOException e) {
            err.println("ftvm: cannot write " + file + ": " + e.getMessage());
            return 6;
        }
        return 0;
    }

    /** The tree the VM's guest is given: its devices, command line and initrd range as {@code LinuxLoader} lays them out. */
    private byte[] vmDeviceTree() throws io.ftvm.vmm.spec.VmSpecException, ImageFiles.ImageReadException,
            io.ftvm.vmm.board.InvalidImageException {
        io.ftvm.vmm.spec.VmSpec spec = new io.ftvm.vmm.spec.VmSpecLoader().load(vm);
        io.ftvm.vmm.board.LinuxBoot boot = LinuxBootOptions.read(spec.kernel(), spec.initrd(), spec.cmdline(),
                spec.firmware());
        MachineConfig config = io.ftvm.vmm.spec.VmSpecLoader.machineConfig(spec);
        return io.ftvm.vmm.board.LinuxLoader.deviceTree(config, boot, io.ftvm.vmm.board.LinuxLoader.plan(config, boot));
    }
}
