package io.ftvm.coordinator;

import java.util.List;
import java.util.Objects;

/**
 * The operator-owned half of a VM record ({@code .../vms/<vm>}): what to run and whether to protect it. Written at
 * creation; the roles and the manager only read it.
 *
 * @param image     the guest image: a built-in guest's name or a file relative to every host's imageDir (ftd checks
 *                  it; every host must resolve it the same way)
 * @param memoryMib guest RAM in MiB; also what the VM costs on a host's capacity, for the primary and the backup
 * @param devices   device names in order (for example {@code "uart"}, {@code "rtc"})
 * @param protection whether the manager keeps a backup for it
 * @param linux     the Linux machine the VM is (its {@code image} is then the kernel), or null for a bare-metal ELF
 *                  guest
 */
public record VmSpec(String image, long memoryMib, List<String> devices, DesiredProtection protection,
        LinuxMachine linux) {

    /** A bare-metal ELF guest. */
    public VmSpec(String image, long memoryMib, List<String> devices, DesiredProtection protection) {
        this(image, memoryMib, devices, protection, null);
    }

    public VmSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(protection, "protection");
        if (image.isBlank()) {
            throw new IllegalArgumentException("image must not be blank");
        }
        if (memoryMib <= 0) {
            throw new IllegalArgumentException("memoryMib must be > 0, was " + memoryMib);
        }
        devices = List.copyOf(devices);
        if (linux != null && !linux.kernel().equals(image)) {
            throw new IllegalArgumentException("a Linux VM's image must be its kernel '" + linux.kernel() + "', was '"
                    + image + "'");
        }
    }

    /** Whether the VM's NIC is on a bridge (it runs only on hosts that offer one). */
    public boolean needsBridge() {
        return linux != null && linux.nics().stream().anyMatch(LinuxMachine.Nic::bridged);
    }

    /** The same VM with another desired protection. */
    public VmSpec withProtection(DesiredProtection p) {
        return new VmSpec(image, memoryMib, devices, p, linux);
    }
}
