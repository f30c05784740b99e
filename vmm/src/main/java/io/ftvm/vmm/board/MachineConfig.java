package io.ftvm.vmm.board;

import java.util.List;

/**
 * How to build a {@link Machine}.
 *
 * @param ramBytes            guest RAM size in bytes: a multiple of 4 KiB between {@link #MIN_RAM} and
 *                            {@link #MAX_RAM}
 * @param instructionsPerTick virtual time: how many retired instructions make one tick of {@code mtime}
 *                            ({@link #TIMEBASE_HZ} ticks per guest second)
 * @param firmware            whether the VMM serves the SBI itself ({@link Firmware#BUILTIN_SBI}: a supervisor-mode
 *                            kernel's ECALLs are answered by the board) or the guest brings its own M-mode code
 *                            ({@link Firmware#NONE}: bare-metal images, or a firmware such as OpenSBI loaded as
 *                            an image)
 * @param virtio              the virtio-mmio devices, in slot order (slot n at {@link MemoryMap#VIRTIO_MMIO} +
 *                            n * 0x1000, PLIC source n + 1); at most {@link MemoryMap#VIRTIO_SLOTS}
 */
public record MachineConfig(long ramBytes, long instructionsPerTick, Firmware firmware, List<VirtioSpec> virtio) {
    public static final long MIN_RAM = 1L << 20;
    public static final long MAX_RAM = 1L << 30;

    /** Who answers a supervisor-mode kernel's SBI calls. */
    public enum Firmware {
        /** Nobody in the VMM: the guest's own M-mode code, if any. */
        NONE,
        /** The VMM's {@link io.ftvm.vmm.firmware.BuiltinSbi}. */
        BUILTIN_SBI
    }
    public static final long DEFAULT_RAM = 128L << 20;
    /** Ticks per second of {@code mtime}, as QEMU's virt machine advertises. */
    public static final long TIMEBASE_HZ = 10_000_000L;
    /** 10 instructions per tick: guest time runs at wall-clock speed at 100 guest MIPS. */
    public static final long DEFAULT_INSTRUCTIONS_PER_TICK = 10;

    /** A machine without builtin firmware (bare-metal images). */
    public MachineConfig(long ramBytes, long instructionsPerTick) {
        this(ramBytes, instructionsPerTick, Firmware.NONE, List.of());
    }

    /** A machine without virtio devices. */
    public MachineConfig(long ramBytes, long instructionsPerTick, Firmware firmware) {
        this(ramBytes, instructionsPerTick, firmware, List.of());
    }

    public MachineConfig {
        if (firmware == null) {
            throw new IllegalArgumentException("firmware must be given (NONE or BUILTIN_SBI)");
        }
        virtio = List.copyOf(virtio);
        if (virtio.size() > MemoryMap.VIRTIO_SLOTS) {
            throw new IllegalArgumentException(virtio.size() + " virtio devices; the board has "
                    + MemoryMap.VIRTIO_SLOTS + " slots");
        }
        if (ramBytes < MIN_RAM || ramBytes > MAX_RAM || (ramBytes & 0xfff) != 0) {
            throw new IllegalArgumentException("RAM size " + ramBytes + " bytes is out of range: it must be a "
                    + "multiple of 4 KiB between " + (MIN_RAM >> 20) + " MiB and " + (MAX_RAM >> 20) + " MiB");
        }
        if (instructionsPerTick < 1 || instructionsPerTick > 1_000_000) {
            throw new IllegalArgumentException("instructionsPerTick " + instructionsPerTick
                    + " is out of range: it must be between 1 and 1000000");
        }
    }

    public static MachineConfig defaults() {
        return new MachineConfig(DEFAULT_RAM, DEFAULT_INSTRUCTIONS_PER_TICK);
    }

    public MachineConfig withRam(long bytes) {
        return new MachineConfig(bytes, instructionsPerTick, firmware, virtio);
    }

    public MachineConfig withFirmware(Firmware f) {
        return new MachineConfig(ramBytes, instructionsPerTick, f, virtio);
    }

    public MachineConfig withVirtio(List<VirtioSpec> devices) {
        return new MachineConfig(ramBytes, instructionsPerTick, firmware, devices);
    }

    /** How many disks the configuration has (the {@link Attachments} a machine needs). */
    public int diskCount() {
        return (int) virtio.stream().filter(v -> v.kind() == VirtioSpec.Kind.BLOCK).count();
    }
}
