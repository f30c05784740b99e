package io.ftvm.vmm.board;

import io.ftvm.vmm.cpu.Cpu;
import io.ftvm.vmm.memory.Ram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Places a {@link LinuxBoot} in a machine's RAM the way QEMU's virt machine does, and points the hart at it:
 * <ul>
 *   <li>a firmware image (if any) at the start of RAM; the kernel at the first 2 MiB boundary after it, and never
 *       below RAM + the Image's text offset;</li>
 *   <li>the initrd 128 MiB after the kernel (half of RAM on machines of 256 MiB or less), or lower when that does
 *       not fit;</li>
 *   <li>the device tree at the last 2 MiB boundary that leaves room for it below the end of RAM (or 3 GiB).</li>
 * </ul>
 * With the builtin SBI the hart starts in S-mode at the kernel; with a firmware image it starts in M-mode at the
 * firmware with a2 pointing at a {@code fw_dynamic_info} (OpenSBI's handshake: magic, version 2, the kernel's
 * address, S-mode, no options, boot hart 0) placed just below the device tree. Either way a0 = hart id 0 and
 * a1 = the device tree. Everything is checked before anything is written: a boot that does not fit loads nothing.
 */
public final class LinuxLoader {
    private static final long MIB = 1L << 20;
    private static final long ALIGN = 2 * MIB;
    private static final long FW_DYNAMIC_MAGIC = 0x4942534fL; // "OSBI"
    private static final int FW_DYNAMIC_INFO = 48;
    private static final long DT_LIMIT = 0xc000_0000L;

    /** Where things went, for messages and tests. Zero-length items have start == end. */
    public record Layout(long firmware, long kernel, long kernelEnd, long initrdStart, long initrdEnd,
            long deviceTree, int deviceTreeSize, long firmwareInfo) {
    }

    private LinuxLoader() {
    }

    /**
     * Loads {@code boot} into {@code machine} (freshly built, with the firmware the boot needs).
     *
     * @throws InvalidImageException when something does not fit in RAM or the command line is too long
     */
    public static Layout load(Machine machine, LinuxBoot boot) throws InvalidImageException {
        MachineConfig config = machine.config();
        if (config.firmware() != boot.machineFirmware()) {
            throw new IllegalArgumentException("a boot with " + boot.machineFirmware() + " firmware needs a machine "
                    + "configured for it, not " + config.firmware());
        }
        Layout l = plan(config, boot);
        byte[] dtb = deviceTree(config, boot, l);
        if (dtb.length != l.deviceTreeSize()) {
            throw new IllegalStateException("device tree size changed from " + l.deviceTreeSize() + " to "
                    + dtb.length);
        }
        Ram ram = machine.ram();
        if (boot.firmware() != null) {
            load(ram, l.firmware(), boot.firmware());
        }
        load(ram, l.kernel(), boot.kernel().bytes());
        if (l.initrdEnd() > l.initrdStart()) {
            load(ram, l.initrdStart(), boot.initrd());
        }
        load(ram, l.deviceTree(), dtb);
        Cpu cpu = machine.cpu();
        cpu.invalidateDecodedInstructions();
        if (boot.firmware() == null) {
            cpu.enterSupervisor(l.kernel(), 0, l.deviceTree());
        } else {
            byte[] info = new byte[FW_DYNAMIC_INFO];
            ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(FW_DYNAMIC_MAGIC).putLong(2).putLong(l.kernel()).putLong(1).putLong(0).putLong(0);
            load(ram, l.firmwareInfo(), info);
            cpu.setPc(l.firmware());
            cpu.setRegister(10, 0);
            cpu.setRegister(11, l.deviceTree());
            cpu.setRegister(12, l.firmwareInfo());
        }
        return l;
    }

    /** The device tree {@link #load} places for {@code boot} as laid out by {@link #plan}. */
    public static byte[] deviceTree(MachineConfig config, LinuxBoot boot, Layout l) throws InvalidImageException {
        DeviceTree.Initrd initrd = l.initrdEnd() > l.initrdStart()
                ? new DeviceTree.Initrd(l.initrdStart(), l.initrdEnd()) : DeviceTree.Initrd.NONE;
        return generate(config, boot, initrd);
    }

    /**
     * Where {@link #load} puts everything for a machine of {@code config}, checking that it all fits.
     *
     * @throws InvalidImageException when something does not fit in RAM or the command line is too long
     */
    public static Layout plan(MachineConfig config, LinuxBoot boot) throws InvalidImageException {
        long base = MemoryMap.RAM;
        long end = base + config.ramBytes();
        KernelImage kernel = boot.kernel();
        long fwEnd = base + boot.firmwareLength();
        long kernelAt = Math.max(alignUp(fwEnd, ALIGN), base + kernel.textOffset());
        long kernelEnd = kernelAt + kernel.imageSize();
        if (kernelEnd > end) {
            throw new InvalidImageException(String.format("%s: the kernel needs [0x%x, 0x%x) but RAM ends at 0x%x "
                    + "(raise --ram)", kernel.name(), kernelAt, kernelEnd, end));
        }
        // The device tree's size depends on the initrd's addresses only through fixed-size properties: generate it
        // once to size it, then again with the final addresses.
        int initrdLength = boot.initrdLength();
        DeviceTree.Initrd probe = initrdLength == 0 ? DeviceTree.Initrd.NONE : new DeviceTree.Initrd(base, base + 1);
        int dtSize = generate(config, boot, probe).length;
        long dtAt = alignDown(Math.min(end, DT_LIMIT) - dtSize, ALIGN);
        long infoAt = boot.firmware() == null ? dtAt : alignDown(dtAt - FW_DYNAMIC_INFO, 64);
        if (dtAt < kernelEnd || infoAt < kernelEnd) {
            throw new InvalidImageException(String.format("%s: no room for the device tree (%d bytes) after the "
                    + "kernel, which ends at 0x%x in RAM ending at 0x%x (raise --ram)", kernel.name(), dtSize,
                    kernelEnd, end));
        }
        long initrdAt = 0;
        long initrdEnd = 0;
        if (initrdLength > 0) {
            long ramSize = config.ramBytes();
            initrdAt = kernelAt + (ramSize > 256 * MIB ? 128 * MIB : ramSize / 2);
            if (initrdAt + initrdLength > infoAt) {
                initrdAt = alignDown(infoAt - initrdLength, Ram.PAGE_SIZE);
            }
            if (initrdAt < alignUp(kernelEnd, Ram.PAGE_SIZE)) {
                throw new InvalidImageException(String.format("the initrd (%d bytes) does not fit in RAM between "
                        + "the kernel (ending at 0x%x) and the device tree at 0x%x (raise --ram)", initrdLength,
                        kernelEnd, infoAt));
            }
            initrdEnd = initrdAt + initrdLength;
        }
        return new Layout(base, kernelAt, kernelEnd, initrdAt, initrdEnd, dtAt, dtSize,
                boot.firmware() == null ? 0 : infoAt);
    }

    private static void load(Ram ram, long address, byte[] bytes) {
        ram.load((int) (address - ram.base()), bytes, 0, bytes.length);
    }

    private static byte[] generate(MachineConfig config, LinuxBoot boot, DeviceTree.Initrd initrd)
            throws InvalidImageException {
        try {
            return DeviceTree.generate(config, boot.commandLine(), initrd);
        } catch (IllegalArgumentException e) {
            throw new InvalidImageException(e.getMessage());
        }
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    private static long alignDown(long v, long a) {
        return v & -a;
    }
}
