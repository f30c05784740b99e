package io.ftvm.vmm.board;

import io.ftvm.vmm.memory.Ram;

/** Copies an {@link ElfImage}'s segments into RAM after checking that every one fits; all or nothing. */
public final class ElfLoader {
    private ElfLoader() {
    }

    public static void load(ElfImage image, Ram ram) throws InvalidImageException {
        for (ElfImage.Segment s : image.segments()) {
            long off = s.physicalAddress() - ram.base();
            if (off < 0 || off > ram.size() || s.memorySize() > ram.size() - off) {
                throw new InvalidImageException(String.format(
                        "%s: segment [0x%x, 0x%x) lies outside RAM [0x%x, 0x%x)", image.name(),
                        s.physicalAddress(), s.end(), ram.base(), ram.base() + ram.size()));
            }
        }
        for (ElfImage.Segment s : image.segments()) {
            int off = (int) (s.physicalAddress() - ram.base());
            ram.load(off, s.data(), 0, s.data().length);
            ram.zero(off + s.data().length, (int) s.memorySize() - s.data().length);
        }
    }
}
