package io.ftvm.node.demo;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.LinuxMachine;
import io.ftvm.coordinator.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The committed Linux guest (guests/images/linux) as the demo, the benchmarks and the tests run it: its files, copied
 * into an imageDir, and its VM spec (128 MiB, the data disk, the NIC on the hosts' bridge).
 */
public final class LinuxGuest {
    /** The guest's files, as named in its imageDir. */
    public static final List<String> FILES = List.of("Image", "initramfs.cpio", "disk.ext4");
    /** The guest NIC's MAC address. */
    public static final String MAC = "52:54:00:12:34:56";

    private LinuxGuest() {
    }

    /** Copies the guest's files from {@code from} into {@code imageDir} (created; existing copies replaced). */
    public static Path copyImages(Path from, Path imageDir) throws IOException {
        Files.createDirectories(imageDir);
        for (String f : FILES) {
            Files.copy(from.resolve(f), imageDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return imageDir;
    }

    /** The guest's machine with {@code disk} as its data disk and, when {@code bridged}, its NIC on the bridge. */
    public static LinuxMachine machine(String disk, boolean bridged) {
        return new LinuxMachine("Image", "initramfs.cpio", "console=ttyS0 quiet", null,
                List.of(new LinuxMachine.Disk(disk, false)),
                bridged ? List.of(new LinuxMachine.Nic(MAC, "bridge")) : List.of(), true);
    }

    /** A protected VM of the guest with {@code memoryMib} of RAM. */
    public static VmSpec spec(LinuxMachine machine, long memoryMib, DesiredProtection protection) {
        return new VmSpec(machine.kernel(), memoryMib, List.of("console"), protection, machine);
    }
}
