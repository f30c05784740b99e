package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.KernelImage;
import io.ftvm.vmm.board.LinuxBoot;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that boot a Linux kernel instead of a bare-metal ELF image (a picocli mixin). */
final class LinuxBootOptions {
    @Option(names = "--kernel", paramLabel = "IMAGE",
            description = "boot a RISC-V Linux kernel Image (arch/riscv/boot/Image) instead of a bare-metal ELF")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "initial RAM disk (with --kernel)")
    Path initrd;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "kernel command line (with --kernel)")
    String append;

    @Option(names = "--bios", paramLabel = "builtin|FILE",
            description = "firmware for --kernel: builtin (default; the VMM serves the SBI) or an M-mode firmware "
                    + "image such as OpenSBI's fw_dynamic.bin")
    String bios;

    @Option(names = "--nic", paramLabel = "none|down[,mac=MAC]",
            description = "a virtio network interface for --kernel: none (default: no interface) or down (an "
                    + "interface whose link is down; default MAC 52:54:00:12:34:56)")
    String nic;

    /** The NIC the options ask for, or null for none. */
    io.ftvm.vmm.board.VirtioSpec nicSpec() {
        if (nic == null || nic.equals("none")) {
            return null;
        }
        String[] parts = nic.split(",", -1);
        if (!parts[0].equals("down")) {
            throw new IllegalArgumentException("--nic " + nic + ": '" + parts[0] + "' is not a backend (none, down; "
                    + "TAP devices on a bridge come with ftd)");
        }
        long mac = io.ftvm.vmm.board.VirtioSpec.parseMac("52:54:00:12:34:56");
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("mac=")) {
                throw new IllegalArgumentException("--nic " + nic + ": unknown option '" + parts[i] + "' (known: mac=)");
            }
            try {
                mac = io.ftvm.vmm.board.VirtioSpec.parseMac(parts[i].substring(4));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--nic " + nic + ": " + e.getMessage());
            }
        }
        return io.ftvm.vmm.board.VirtioSpec.nic(mac, false);
    }

    /** True when a Linux kernel is to be booted. */
    boolean present() {
        return kernel != null;
    }

    /** The options that only make sense with --kernel, if one is given without it; else null. */
    String strayOption() {
        if (kernel != null) {
            return null;
        }
        return initrd != null ? "--initrd" : append != null ? "--append" : bios != null ? "--bios"
                : nic != null ? "--nic" : null;
    }

    /** Reads the files and checks the kernel's header. */
    LinuxBoot read() throws ImageFiles.ImageReadException {
        if ("none".equals(bios)) {
            throw new ImageFiles.ImageReadException("--bios none: a Linux kernel runs in S-mode and needs "
                    + "firmware; use --bios builtin (the default) or an SBI firmware image");
        }
        return read(kernel, initrd, append == null ? "" : append,
                bios == null || bios.equals("builtin") ? null : Path.of(bios));
    }

    /** Reads a kernel, an optional initrd and an optional firmware image (null: the builtin SBI). */
    static LinuxBoot read(Path kernel, Path initrd, String cmdline, Path bios) throws ImageFiles.ImageReadException {
        byte[] kernelBytes = ImageFiles.readBytes(kernel);
        KernelImage image;
        try {
            image = KernelImage.parse(kernel.toString(), kernelBytes);
        } catch (InvalidImageException e) {
            throw new ImageFiles.ImageReadException(e.getMessage());
        }
        byte[] initrdBytes = null;
        if (initrd != null) {
            initrdBytes = ImageFiles.readBytes(initrd);
            if (initrdBytes.length == 0) {
                throw new ImageFiles.ImageReadException(initrd + ": the initrd is empty");
            }
        }
        byte[] firmware = null;
        if (bios != null) {
            firmware = ImageFiles.readBytes(bios);
            if (firmware.length == 0 || firmware.length > (2 << 20)) {
                throw new ImageFiles.ImageReadException(bios + ": a firmware image of " + firmware.length
                        + " bytes; it must be between 1 byte and 2 MiB (it runs from the start of RAM, below the "
                        + "kernel)");
            }
        }
        return new LinuxBoot(image, initrdBytes, cmdline, firmware);
    }
}
