package io.ftvm.coordinator;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Linux machine half of a VM spec: what a host boots for a VM described by a VM description file (the YAML that
 * {@code bin/ftvm run} takes). File names are relative to every host's imageDir; each host resolves and checks them
 * itself (ftd), and every host must hold the same files.
 *
 * @param kernel   the RISC-V Linux Image
 * @param initrd   the initial RAM disk, or null
 * @param cmdline  the kernel command line (may be empty)
 * @param firmware the M-mode firmware image, or null for the VMM's builtin SBI
 * @param disks    virtio disks in order (vda, vdb, ...): each host runs the VM on its own copy of the image
 * @param nics     network interfaces (at most one)
 * @param entropy  whether the guest has a virtio entropy device
 */
public record LinuxMachine(String kernel, String initrd, String cmdline, String firmware, List<Disk> disks,
        List<Nic> nics, boolean entropy) {
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    public LinuxMachine {
        requireName("kernel", kernel);
        if (initrd != null) {
            requireName("initrd", initrd);
        }
        if (firmware != null) {
            requireName("firmware", firmware);
        }
        Objects.requireNonNull(cmdline, "cmdline");
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        if (nics.size() > 1) {
            throw new IllegalArgumentException("a machine has at most one network interface, not " + nics.size());
        }
    }

    /** Every image file the machine needs, in a fixed order (kernel, initrd, firmware, disks). */
    public List<String> files() {
        List<String> all = new java.util.ArrayList<>();
        all.add(kernel);
        if (initrd != null) {
            all.add(initrd);
        }
        if (firmware != null) {
            all.add(firmware);
        }
        disks.forEach(d -> all.add(d.image()));
        return all;
    }

    /** A virtio disk: the image each host copies for the VM, and whether the guest may write it. */
    public record Disk(String image, boolean readOnly) {
        public Disk {
            requireName("disk image", image);
        }
    }

    /**
     * A network interface.
     *
     * @param mac     lower-case colon-separated MAC address
     * @param backend {@code bridge} (attached to a TAP device on the bridge the host's ftd.yaml names) or
     *                {@code none} (link down)
     */
    public record Nic(String mac, String backend) {
        public Nic {
            if (mac == null || !MAC.matcher(mac).matches()) {
                throw new IllegalArgumentException("MAC address '" + mac + "' is not six lower-case hex pairs");
            }
            if (!"bridge".equals(backend) && !"none".equals(backend)) {
                throw new IllegalArgumentException("NIC backend '" + backend + "' is neither bridge nor none");
            }
        }

        public boolean bridged() {
            return backend.equals("bridge");
        }
    }

    private static void requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must be a file name, was " + (name == null ? "null" : "blank"));
        }
    }
}
