package io.ftvm.vmm.board;

import io.ftvm.vmm.devices.clint.Clint;
import io.ftvm.vmm.devices.plic.Plic;
import io.ftvm.vmm.devices.rtc.GoldfishRtc;
import io.ftvm.vmm.devices.uart.Ns16550a;
import io.ftvm.vmm.devices.virtio.VirtioMmio;

/**
 * The device tree of the board, generated from what the machine has (as QEMU's virt machine describes the same
 * devices, so the same kernel boots on both): memory, the hart (its ISA string, Sv39) with its interrupt controller,
 * the CLINT, the PLIC, the UART, the Goldfish RTC, the SiFive test device as syscon with poweroff and reboot nodes,
 * one {@code virtio,mmio} node per configured virtio device, and {@code chosen} with the console, the kernel command line and the initrd. No random seed: the guest's entropy
 * is an input like any other.
 */
public final class DeviceTree {
    /** The ISA string Linux reads: RV64GC with the Zicsr and Zifencei extensions named. */
    public static final String ISA = "rv64imafdc_zicsr_zifencei";
    private static final int CPU_INTC = 1;
    private static final int PLIC_PHANDLE = 2;
    private static final int TEST_PHANDLE = 3;
    private static final int CPU_PHANDLE = 4;
    /** The longest command line the tree takes (Linux's COMMAND_LINE_SIZE on RISC-V is 1024, NUL included). */
    public static final int MAX_BOOTARGS = 1023;

    /** Where an initrd lies in guest memory, or none. */
    public record Initrd(long start, long end) {
        public static final Initrd NONE = new Initrd(0, 0);

        public Initrd {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("initrd range " + start + ".." + end);
            }
        }
    }

    private DeviceTree() {
    }

    /**
     * The blob for a machine of {@code config} with kernel command line {@code bootargs} (may be empty) and
     * {@code initrd}.
     *
     * @throws IllegalArgumentException when the command line is too long or holds a NUL
     */
    public static byte[] generate(MachineConfig config, String bootargs, Initrd initrd) {
        if (bootargs.length() > MAX_BOOTARGS) {
            throw new IllegalArgumentException("kernel command line of " + bootargs.length()
                    + " characters; the device tree takes at most " + MAX_BOOTARGS);
        }
        FdtWriter fdt = new FdtWriter(0);
        FdtWriter.Node root = fdt.root().cells("#address-cells", 2).cells("#size-cells", 2)
                .strings("compatible", "riscv-virtio").strings("model", "riscv-virtio,ftvm");

        FdtWriter.Node chosen = root.child("chosen").strings("stdout-path", "/soc/serial@10000000");
        if (!bootargs.isEmpty()) {
            chosen.strings("bootargs", bootargs);
        }
        if (initrd.end() > initrd.start()) {
            chosen.pairs("linux,initrd-start", initrd.start()).pairs("linux,initrd-end", initrd.end());
        }
        root.child("poweroff").strings("compatible", "syscon-poweroff").cells("regmap", TEST_PHANDLE)
                .cells("offset", 0).cells("value", 0x5555);
        root.child("reboot").strings("compatible", "syscon-reboot").cells("regmap", TEST_PHANDLE)
                .cells("offset", 0).cells("value", 0x7777);
        root.child("memory@" + hex(MemoryMap.RAM)).strings("device_type", "memory")
                .pairs("reg", MemoryMap.RAM, config.ramBytes());

        FdtWriter.Node cpus = root.child("cpus").cells("#address-cells", 1).cells("#size-cells", 0)
                .cells("timebase-frequency", MachineConfig.TIMEBASE_HZ);
        FdtWriter.Node cpu = cpus.child("cpu@0").cells("phandle", CPU_PHANDLE).strings("device_type", "cpu")
                .cells("reg", 0).strings("status", "okay").strings("compatible", "riscv")
                .strings("riscv,isa", ISA).strings("mmu-type", "riscv,sv39");
        cpu.child("interrupt-controller").cells("#address-cells", 0).cells("#interrupt-cells", 1)
                .flag("interrupt-controller")
                .strings("compatible", "riscv,cpu-intc").cells("phandle", CPU_INTC);

        FdtWriter.Node soc = root.child("soc").cells("#address-cells", 2).cells("#size-cells", 2)
                .strings("compatible", "simple-bus").flag("ranges");
        for (int slot = 0; slot < config.virtio().size(); slot++) {
            long base = MemoryMap.VIRTIO_MMIO + slot * VirtioMmio.SIZE;
            soc.child("virtio_mmio@" + hex(base)).cells("interrupts", slot + 1)
                    .cells("interrupt-parent", PLIC_PHANDLE).pairs("reg", base, VirtioMmio.SIZE)
                    .strings("compatible", "virtio,mmio");
        }
        soc.child("rtc@" + hex(MemoryMap.RTC)).cells("interrupts", MemoryMap.RTC_IRQ)
                .cells("interrupt-parent", PLIC_PHANDLE).pairs("reg", MemoryMap.RTC, GoldfishRtc.SIZE)
                .strings("compatible", "google,goldfish-rtc");
        soc.child("serial@" + hex(MemoryMap.UART0)).cells("interrupts", MemoryMap.UART0_IRQ)
                .cells("interrupt-parent", PLIC_PHANDLE).cells("clock-frequency", 0x384000)
                .pairs("reg", MemoryMap.UART0, Ns16550a.SIZE).strings("compatible", "ns16550a");
        soc.child("test@" + hex(MemoryMap.TEST_FINISHER)).cells("phandle", TEST_PHANDLE)
                .pairs("reg", MemoryMap.TEST_FINISHER, 0x1000)
                .strings("compatible", "sifive,test1", "sifive,test0", "syscon");
        soc.child("plic@" + hex(MemoryMap.PLIC)).cells("phandle", PLIC_PHANDLE)
                .cells("riscv,ndev", Plic.SOURCES - 1).pairs("reg", MemoryMap.PLIC, Plic.SIZE)
                .cells("interrupts-extended", CPU_INTC, 11, CPU_INTC, 9).flag("interrupt-controller")
                .strings("compatible", "sifive,plic-1.0.0", "riscv,plic0").cells("#address-cells", 0)
                .cells("#interrupt-cells", 1);
        soc.child("clint@" + hex(MemoryMap.CLINT)).cells("interrupts-extended", CPU_INTC, 3, CPU_INTC, 7)
                .pairs("reg", MemoryMap.CLINT, Clint.SIZE).strings("compatible", "sifive,clint0", "riscv,clint0");
        return fdt.toBytes();
    }

    private static String hex(long address) {
        return Long.toHexString(address);
    }
}
