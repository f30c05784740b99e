package io.ftvm.vmm.board;

/**
 * How to build a {@link Machine}.
 *
 * @param ramBytes            guest RAM size in bytes: a multiple of 4 KiB between {@link #MIN_RAM} and
 *                            {@link #MAX_RAM}
 * @param instructionsPerTick virtual time: how many retired instructions make one tick of {@code mtime}
 *                            ({@link #TIMEBASE_HZ} ticks per guest second)
 */
public record MachineConfig(long ramBytes, long instructionsPerTick) {
    public static final long MIN_RAM = 1L << 20;
    public static final long MAX_RAM = 1L << 30;
    public static final long DEFAULT_RAM = 128L << 20;
    /** Ticks per second of {@code mtime}, as QEMU's virt machine advertises. */
    public static final long TIMEBASE_HZ = 10_000_000L;
    /** 10 instructions per tick: guest time runs at wall-clock speed at 100 guest MIPS. */
    public static final long DEFAULT_INSTRUCTIONS_PER_TICK = 10;

    public MachineConfig {
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
        return new MachineConfig(bytes, instructionsPerTick);
    }
}
