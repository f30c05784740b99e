package io.ftvm.vmm.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * A Linux VM as its description file names it. Paths are resolved against the file's directory.
 *
 * @param name     what the VM is called (for people and logs)
 * @param ramBytes guest RAM
 * @param kernel   the RISC-V Linux Image
 * @param initrd   the initial RAM disk, or null
 * @param cmdline  the kernel command line (may be empty)
 * @param firmware the M-mode firmware image, or null for the builtin SBI
 * @param disks    virtio disks in order (vda, vdb, ...)
 * @param nics     network interfaces (the board has at most one)
 * @param entropy  whether the guest has a virtio entropy device
 */
public record VmSpec(String name, long ramBytes, Path kernel, Path initrd, String cmdline, Path firmware,
        List<Disk> disks, List<Nic> nics, boolean entropy) {

    public VmSpec {
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
    }

    /** A virtio disk backed by an image file. */
    public record Disk(Path file, boolean readOnly) {
    }

    /**
     * A network interface: its MAC address and what it is attached to ({@code none}: the link is down; a host
     * bridge arrives with the protected VM).
     */
    public record Nic(long mac, String backend) {
    }
}
