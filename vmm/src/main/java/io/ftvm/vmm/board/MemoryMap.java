package io.ftvm.vmm.board;

/**
 * The physical memory map, compatible with QEMU's {@code virt} machine so that one image runs on both.
 * Reserved windows (virtio-mmio) are listed for the devices later issues add.
 */
public final class MemoryMap {
    public static final long TEST_FINISHER = 0x0010_0000L;
    /** Goldfish RTC (reserved; arrives with record/replay). */
    public static final long RTC = 0x0010_1000L;
    public static final long CLINT = 0x0200_0000L;
    /** The PLIC: sources 1..8 virtio-mmio, 10 the UART, 11 the RTC (as on QEMU's virt). */
    public static final long PLIC = 0x0c00_0000L;
    public static final long UART0 = 0x1000_0000L;
    public static final int UART0_IRQ = 10;
    public static final int RTC_IRQ = 11;
    /** First virtio-mmio transport; {@link #VIRTIO_SLOTS} slots of 0x1000, slot n on PLIC source n + 1. */
    public static final long VIRTIO_MMIO = 0x1000_1000L;
    public static final int VIRTIO_SLOTS = 8;
    public static final long RAM = 0x8000_0000L;

    private MemoryMap() {
    }
}
