package io.ftvm.vmm.board;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A RISC-V Linux kernel in the {@code Image} format (Documentation/riscv/boot-image-header.rst): a 64-byte header
 * (two instructions, the text offset, the image's effective size including its bss, flags, a version, and the magics
 * {@code "RISCV\0\0\0"} and {@code "RSC\x05"}) followed by the kernel.
 *
 * @param name       where it came from, for messages
 * @param bytes      the file
 * @param textOffset the offset from a 2 MiB-aligned RAM address at which it must be placed
 * @param imageSize  the memory it occupies once running (at least the file's length)
 */
public record KernelImage(String name, byte[] bytes, long textOffset, long imageSize) {
    /** The header's length. */
    public static final int HEADER = 64;
    private static final long MAGIC = 0x5643534952L; // "RISCV\0\0\0" little-endian
    private static final int MAGIC2 = 0x05435352; // "RSC\x05" little-endian

    public KernelImage {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The file's length. */
    public int length() {
        return bytes.length;
    }

    /**
     * Checks the header and returns the image.
     *
     * @throws InvalidImageException naming what is wrong: too short, not an Image (an ELF or other file), big-endian,
     *                               or sizes that do not make sense
     */
    public static KernelImage parse(String name, byte[] file) throws InvalidImageException {
        if (file.length >= 4 && file[0] == 0x7f && file[1] == 'E' && file[2] == 'L' && file[3] == 'F') {
            throw new InvalidImageException(name + ": an ELF file, not a RISC-V Linux Image (pass the kernel's "
                    + "arch/riscv/boot/Image, or run a bare-metal ELF without --kernel)");
        }
        if (file.length < HEADER) {
            throw new InvalidImageException(name + ": " + file.length + " bytes is too short for a RISC-V Linux "
                    + "Image (its header alone is " + HEADER + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(48) != MAGIC) {
            throw new InvalidImageException(name + ": not a RISC-V Linux Image (no \"RISCV\" magic at offset 0x30)");
        }
        int version = b.getInt(32);
        if (version >= 2 && b.getInt(56) != MAGIC2) {
            throw new InvalidImageException(name + ": damaged RISC-V Linux Image header (header version "
                    + (version >>> 16) + "." + (version & 0xffff) + " without the \"RSC\\x05\" magic at 0x38)");
        }
        long flags = b.getLong(24);
        if ((flags & 1) != 0) {
            throw new InvalidImageException(name + ": a big-endian kernel; this machine is little-endian");
        }
        long textOffset = b.getLong(8);
        long imageSize = b.getLong(16);
        if (textOffset < 0 || textOffset >= (1L << 30) || (textOffset & 0xfff) != 0) {
            throw new InvalidImageException(name + ": text offset 0x" + Long.toHexString(textOffset)
                    + " is not a page-aligned offset below 1 GiB");
        }
        if (imageSize == 0) {
            imageSize = file.length; // header version 0.1 kernels may leave it 0
        }
        if (imageSize < file.length || imageSize > MachineConfig.MAX_RAM) {
            throw new InvalidImageException(name + ": image size " + imageSize + " is smaller than the file ("
                    + file.length + " bytes) or larger than any RAM this machine has");
        }
        return new KernelImage(name, file, textOffset, imageSize);
    }
}
