package io.ftvm.node.daemon;

import io.ftvm.coordinator.LinuxMachine;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.node.net.HostNetwork;
import io.ftvm.node.net.NetworkSetupException;
import io.ftvm.node.net.TapNetwork;
import io.ftvm.primary.GuestNetwork;
import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.KernelImage;
import io.ftvm.vmm.board.LinuxBoot;
import io.ftvm.vmm.board.LinuxLoader;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.board.VirtioSpec;
import io.ftvm.vmm.devices.virtio.DiskException;
import io.ftvm.vmm.devices.virtio.DiskImage;
import io.ftvm.vmm.spec.VmSpecException;
import io.ftvm.vmm.spec.VmSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a host makes of a VM spec: the machine a fresh boot runs (a bare-metal ELF guest or a Linux machine, its
 * kernel, initrd and firmware read from imageDir), this host's copies of the VM's disks (under
 * {@code <dataDir>/disks/<vm>-<tenure>}: every role runs on its own copy), and the guest's NIC on this host's bridge.
 * VM descriptions (the YAML {@code bin/ftvm run} takes) are parsed here for the operations API, with every file
 * name checked as an image name inside imageDir.
 */
final class VmMachines {
    private final VmImages images;
    private final Path diskRoot;
    private final String bridge;
    private final String hostId;
    private final HostNetwork network;

    VmMachines(VmImages images, Path diskRoot, String bridge, String hostId) {
        this.images = images;
        this.diskRoot = diskRoot;
        this.bridge = bridge;
        this.hostId = hostId;
        this.network = new HostNetwork(hostId, bridge);
        if (bridge != null) {
            network.warmUp();
        }
    }

    VmImages images() {
        return images;
    }

    /** A VM description as the cluster records it. */
    record Described(long memoryMib, LinuxMachine machine) {
    }

    /**
     * Parses a VM description: file names must be images in this host's imageDir (every host must hold the same).
     *
     * @throws VmSpecException naming the key and the problem
     */
    Described parse(String yaml) throws VmSpecException {
        Map<String, String> names = new LinkedHashMap<>();
        VmSpecLoader.FileResolver inImages = (key, value) -> {
            try {
                images.locate(value);
            } catch (VmImages.BadImageException e) {
                throw new VmSpecException("spec: " + key + ": " + e.getMessage());
            }
            names.put(key, value);
            return Path.of(value);
        };
        io.ftvm.vmm.spec.VmSpec s = new VmSpecLoader(Set.of("none", "bridge")).parse("spec", yaml, inImages, "vm");
        if (s.ramBytes() % (1 << 20) != 0) {
            throw new VmSpecException("spec: ram: " + s.ramBytes() + " bytes is not a whole number of MiB");
        }
        List<LinuxMachine.Disk> disks = new ArrayList<>();
        for (int i = 0; i < s.disks().size(); i++) {
            disks.add(new LinuxMachine.Disk(names.get("disks[" + i + "].file"), s.disks().get(i).readOnly()));
        }
        List<LinuxMachine.Nic> nics = new ArrayList<>();
        for (io.ftvm.vmm.spec.VmSpec.Nic n : s.nics()) {
            nics.add(new LinuxMachine.Nic(VirtioSpec.macString(n.mac()), n.backend()));
        }
        LinuxMachine m = new LinuxMachine(names.get("kernel"), names.get("initrd"), s.cmdline(), names.get("firmware"),
                disks, nics, s.entropy());
        return new Described(s.ramBytes() >> 20, m);
    }

    /**
     * The VM spec a VM description makes, checked on this host.
     *
     * @throws VmSpecException            naming the key and the problem
     * @throws VmImages.BadImageException when this host cannot run it (a file or the bridge missing)
     */
    VmSpec specOf(String yaml, io.ftvm.coordinator.DesiredProtection protection) throws VmSpecException,
            VmImages.BadImageException {
        Described d = parse(yaml);
        check(d.machine());
        try {
            return new VmSpec(d.machine().kernel(), d.memoryMib(), List.of("console"), protection, d.machine());
        } catch (IllegalArgumentException e) {
            throw new VmSpecException("spec: " + e.getMessage());
        }
    }

    /** How the admin API shows a Linux machine. */
    static Map<String, Object> view(LinuxMachine l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", l.kernel());
        m.put("initrd", l.initrd());
        m.put("cmdline", l.cmdline());
        m.put("firmware", l.firmware() == null ? "builtin" : l.firmware());
        m.put("disks", l.disks().stream().map(d -> Map.of("image", d.image(), "readOnly", d.readOnly())).toList());
        m.put("nics", l.nics().stream().map(c -> Map.of("mac", c.mac(), "backend", c.backend())).toList());
        m.put("entropy", l.entropy());
        return m;
    }

    /** Checks that this host can run {@code m}: its files are here, and a bridged NIC has a bridge to go on. */
    void check(LinuxMachine m) throws VmImages.BadImageException {
        for (String f : m.files()) {
            images.locate(f);
        }
        if (m.nics().stream().anyMatch(LinuxMachine.Nic::bridged) && bridge == null) {
            throw new VmImages.BadImageException("the VM's NIC is on a bridge but host " + hostId + " names none "
                    + "(set bridge in its ftd.yaml)");
        }
    }

    /** The machine configuration {@code spec} runs on. */
    static MachineConfig config(VmSpec spec) {
        MachineConfig base = MachineConfig.defaults().withRam(spec.memoryMib() << 20);
        LinuxMachine l = spec.linux();
        if (l == null) {
            return base;
        }
        List<VirtioSpec> devices = new ArrayList<>();
        l.disks().forEach(d -> devices.add(VirtioSpec.disk(d.readOnly())));
        if (l.entropy()) {
            devices.add(VirtioSpec.entropy());
        }
        l.nics().forEach(n -> devices.add(VirtioSpec.nic(VirtioSpec.parseMac(n.mac()), n.bridged())));
        return base.withVirtio(devices).withFirmware(l.firmware() == null ? MachineConfig.Firmware.BUILTIN_SBI
                : MachineConfig.Firmware.NONE);
    }

    /** A freshly booted machine and the disk copies it runs on (the caller closes them with the VM). */
    record Booted(Machine machine, List<DiskImage> disks, Path diskDir) {
    }

    /**
     * Boots {@code spec} afresh: a Linux machine gets fresh copies of its disk images (made in a temporary directory
     * and moved into place, so a half-copied disk is never run).
     *
     * @throws VmImages.BadImageException when an image is missing, unreadable or not what it should be
     */
    Booted boot(String vmId, long tenure, VmSpec spec, OutputSink sink) throws VmImages.BadImageException,
            IOException {
        MachineConfig config = config(spec);
        LinuxMachine l = spec.linux();
        if (l == null) {
            Machine m = new Machine(config, sink);
            try {
                m.load(ElfImage.parse(spec.image(), images.read(spec.image())));
            } catch (InvalidImageException e) {
                throw new VmImages.BadImageException(e.getMessage());
            }
            return new Booted(m, List.of(), null);
        }
        check(l);
        LinuxBoot boot;
        try {
            boot = new LinuxBoot(KernelImage.parse(l.kernel(), images.read(l.kernel())),
                    l.initrd() == null ? null : images.read(l.initrd()), l.cmdline(),
                    l.firmware() == null ? null : images.read(l.firmware()));
        } catch (InvalidImageException e) {
            throw new VmImages.BadImageException(e.getMessage());
        }
        Path dir = diskDir(vmId, tenure);
        List<DiskImage> disks = copyDisks(l, dir);
        boolean ok = false;
        try {
            Machine m = new Machine(config, sink, new Attachments(disks));
            LinuxLoader.load(m, boot);
            ok = true;
            return new Booted(m, disks, dir);
        } catch (InvalidImageException | IllegalArgumentException e) {
            throw new VmImages.BadImageException(e.getMessage());
        } finally {
            if (!ok) {
                closeAll(disks);
                deleteTree(dir);
            }
        }
    }

    private List<DiskImage> copyDisks(LinuxMachine l, Path dir) throws VmImages.BadImageException, IOException {
        deleteTree(dir);
        Path part = dir.resolveSibling(dir.getFileName() + ".part");
        deleteTree(part);
        Files.createDirectories(part);
        for (int i = 0; i < l.disks().size(); i++) {
            Files.copy(images.locate(l.disks().get(i).image()), part.resolve("disk" + i + ".img"));
        }
        Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
        List<DiskImage> opened = new ArrayList<>();
        try {
            for (int i = 0; i < l.disks().size(); i++) {
                LinuxMachine.Disk d = l.disks().get(i);
                opened.add(DiskImage.open(dir.resolve("disk" + i + ".img"), d.readOnly()));
            }
            return opened;
        } catch (DiskException e) {
            closeAll(opened);
            throw new VmImages.BadImageException("disk image: " + e.getMessage());
        }
    }

    /** Where this host keeps the disk copies of {@code vmId}'s role of {@code tenure}. */
    Path diskDir(String vmId, long tenure) {
        return diskRoot.resolve(vmId + "-" + tenure);
    }

    /** The bridged NIC's MAC, or -1 when the VM has no NIC on a bridge. */
    private static long bridgedMac(VmSpec spec) {
        LinuxMachine l = spec.linux();
        if (l == null || l.nics().isEmpty() || !l.nics().get(0).bridged()) {
            return -1;
        }
        return VirtioSpec.parseMac(l.nics().get(0).mac());
    }

    /**
     * The guest's NIC on this host, attached: a TAP device on the bridge for a bridged NIC, nothing otherwise.
     *
     * @throws NetworkSetupException when the NIC cannot be attached (named: no bridge, no permission, ...)
     */
    GuestNetwork network(String vmId, VmSpec spec) throws NetworkSetupException {
        long mac = bridgedMac(spec);
        return mac < 0 ? GuestNetwork.NONE : network.open(vmId, mac);
    }

    /**
     * A backup's NIC: created now and attached to nothing; {@link #goLive} attaches it when the backup takes over.
     *
     * @return null when the VM has no bridged NIC
     */
    TapNetwork prepareNetwork(String vmId, VmSpec spec) throws NetworkSetupException {
        long mac = bridgedMac(spec);
        return mac < 0 ? null : network.prepare(vmId, mac);
    }

    /** Attaches a prepared NIC to this host's bridge (or nothing, for a VM without one). */
    GuestNetwork goLive(TapNetwork prepared) throws NetworkSetupException {
        return prepared == null ? GuestNetwork.NONE : prepared.attach(bridge);
    }

    static void closeAll(List<DiskImage> disks) {
        for (DiskImage d : disks) {
            try {
                d.close();
            } catch (IOException ignored) {
                // closing a read or written image: nothing to lose
            }
        }
    }

    /** Removes a directory tree (disk copies, snapshots); nothing when it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        FileTrees.delete(dir);
    }
}
