package io.ftvm.vmm.board;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Writes minimal RISC-V ELF64 executables (ELF header + PT_LOAD program headers + data) for tests. */
final class ElfWriter {
    static final int EHDR = 64;
    static final int PHDR = 56;

    private record Seg(long paddr, byte[] data, long memsz) {
    }

    private final List<Seg> segments = new ArrayList<>();
    private long entry = 0x8000_0000L;

    ElfWriter entry(long e) {
        entry = e;
        return this;
    }

    ElfWriter segment(long paddr, byte[] data, long memsz) {
        segments.add(new Seg(paddr, data, memsz));
        return this;
    }

    /** Offset of program header {@code i} in the output. */
    static int phdr(int i) {
        return EHDR + PHDR * i;
    }

    byte[] build() {
        int dataStart = EHDR + PHDR * segments.size();
        int size = dataStart + segments.stream().mapToInt(s -> s.data().length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(0x10, (short) 2);       // ET_EXEC
        b.putShort(0x12, (short) 243);     // EM_RISCV
        b.putInt(0x14, 1);
        b.putLong(0x18, entry);
        b.putLong(0x20, EHDR);             // e_phoff
        b.putLong(0x28, 0);                // e_shoff
        b.putShort(0x34, (short) EHDR);
        b.putShort(0x36, (short) PHDR);
        b.putShort(0x38, (short) segments.size());
        b.putShort(0x3a, (short) 64);
        int off = dataStart;
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            int p = phdr(i);
            b.putInt(p, 1);                // PT_LOAD
            b.putInt(p + 4, 7);
            b.putLong(p + 8, off);
            b.putLong(p + 16, s.paddr());
            b.putLong(p + 24, s.paddr());
            b.putLong(p + 32, s.data().length);
            b.putLong(p + 40, s.memsz());
            b.putLong(p + 48, 4);
            b.put(off, s.data());
            off += s.data().length;
        }
        return b.array();
    }

    static void putShort(byte[] image, int at, int v) {
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
    }

    static void putLong(byte[] image, int at, long v) {
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }
}
