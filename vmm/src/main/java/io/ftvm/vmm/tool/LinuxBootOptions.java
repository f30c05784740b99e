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

    /** True when a Linux kernel is to be booted. */
    boolean present() {
        return kernel != null;
    }

    /** The options that only make sense with --kernel, if one is given without it; else null. */
    String strayOption() {
        if (kernel != null) {
            return null;
        }
        return initrd != null ? "--initrd" : append != null ? "--append" : bios != null ? "--bios" : null;
    }

    /** Reads the files and checks the kernel's header. */
    LinuxBoot read() throws ImageFiles.ImageReadException {
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
        if (bios != null && !bios.equals("builtin")) {
            if (bios.equals("none")) {
                throw new ImageFiles.ImageReadException("--bios none: a Linux kernel runs in S-mode and needs "
                        + "firmware; use --bios builtin (the default) or an SBI firmware image");
            }
            firmware = ImageFiles.readBytes(Path.of(bios));
            if (firmware.length == 0 || firmware.length > (2 << 20)) {
                throw new ImageFiles.ImageReadException(bios + ": a firmware image of " + firmware.length
                        + " bytes; it must be between 1 byte and 2 MiB (it runs from the start of RAM, below the "
                        + "kernel)");
            }
        }
        return new LinuxBoot(image, initrdBytes, append == null ? "" : append, firmware);
    }
}
