package io.ftvm.vmm.board;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated RISC-V ELF64 executable: entry point, loadable segments (by physical address) and the
 * symbol table. Parsing checks everything that does not depend on the machine (magic, class, byte order, machine,
 * type, table bounds, segment sizes, overlaps, entry alignment); {@link ElfLoader} checks the fit into RAM.
 */
public final class ElfImage {
    private static final int EM_RISCV = 243;
    private static final int ET_EXEC = 2;
    private static final int PT_LOAD = 1;
    private static final int SHT_SYMTAB = 2;
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;

    /** One PT_LOAD segment: {@code fileSize} bytes from the file, then zeros up to {@code memorySize}. */
    public record Segment(long physicalAddress, long memorySize, byte[] data) {
        public long end() {
            return physicalAddress + memorySize;
        }
    }

    private final String name;
    private final long entry;
    private final List<Segment> segments;
    private final Map<String, Long> symbols;

    private ElfImage(String name, long entry, List<Segment> segments, Map<String, Long> symbols) {
        this.name = name;
        this.entry = entry;
        this.segments = segments;
        this.symbols = symbols;
    }

    public String name() {
        return name;
    }

    public long entry() {
        return entry;
    }

    public List<Segment> segments() {
        return segments;
    }

    public Optional<Long> symbol(String symbol) {
        return Optional.ofNullable(symbols.get(symbol));
    }

    /** Parses {@code bytes}; {@code name} is used in error messages. */
    public static ElfImage parse(String name, byte[] bytes) throws InvalidImageException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw fail(name, "not an ELF file (bad magic)");
        }
        if (bytes.length < EHDR_SIZE) {
            throw fail(name, "truncated ELF header (" + bytes.length + " bytes)");
        }
        if (bytes[4] != 2) {
            throw fail(name, "wrong ELF class " + bytes[4] + ": a 64-bit (ELFCLASS64) image is required");
        }
        if (bytes[5] != 1) {
            throw fail(name, "wrong byte order: a little-endian image is required");
        }
        int type = b.getShort(0x10) & 0xffff;
        int machine = b.getShort(0x12) & 0xffff;
        if (machine != EM_RISCV) {
            throw fail(name, "wrong machine " + machine + ": a RISC-V (EM_RISCV = 243) image is required");
        }
        if (type != ET_EXEC) {
            throw fail(name, "ELF type " + type + " is not an executable (ET_EXEC)");
        }
        long entry = b.getLong(0x18);
        if ((entry & 1) != 0) {
            throw fail(name, "entry point 0x" + Long.toHexString(entry) + " is not 2-byte aligned");
        }
        List<Segment> segments = readSegments(name, b);
        checkOverlaps(name, segments);
        boolean entryMapped = segments.stream()
                .anyMatch(s -> entry - s.physicalAddress() >= 0 && entry - s.physicalAddress() < s.memorySize());
        if (!entryMapped) {
            throw fail(name, "entry point 0x" + Long.toHexString(entry) + " is not inside a loadable segment");
        }
        return new ElfImage(name, entry, Collections.unmodifiableList(segments), readSymbols(name, b));
    }

    private static List<Segment> readSegments(String name, ByteBuffer b) throws InvalidImageException {
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff;
        int phnum = b.getShort(0x38) & 0xffff;
        if (phnum == 0) {
            throw fail(name, "no program headers");
        }
        if (phentsize != PHDR_SIZE) {
            throw fail(name, "program header size " + phentsize + " (expected " + PHDR_SIZE + ")");
        }
        checkRange(name, b, phoff, (long) phnum * PHDR_SIZE, "program header table");
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(p) != PT_LOAD) {
                continue;
            }
            long offset = b.getLong(p + 8);
            long paddr = b.getLong(p + 24);
            long filesz = b.getLong(p + 32);
            long memsz = b.getLong(p + 40);
            if (memsz == 0) {
                continue;
            }
            if (filesz < 0 || memsz < 0 || Long.compareUnsigned(filesz, memsz) > 0) {
                throw fail(name, "segment " + i + ": file size " + filesz + " exceeds memory size " + memsz);
            }
            if (memsz > Integer.MAX_VALUE || paddr + memsz < paddr && paddr + memsz != 0) {
                throw fail(name, "segment " + i + ": memory size " + memsz + " is too large");
            }
            checkRange(name, b, offset, filesz, "segment " + i);
            byte[] data = new byte[(int) filesz];
            b.get((int) offset, data);
            segments.add(new Segment(paddr, memsz, data));
        }
        if (segments.isEmpty()) {
            throw fail(name, "no loadable (PT_LOAD) segments");
        }
        return segments;
    }

    private static void checkOverlaps(String name, List<Segment> segments) throws InvalidImageException {
        List<Segment> sorted = new ArrayList<>(segments);
        sorted.sort((x, y) -> Long.compareUnsigned(x.physicalAddress(), y.physicalAddress()));
        for (int i = 1; i < sorted.size(); i++) {
            Segment prev = sorted.get(i - 1);
            Segment cur = sorted.get(i);
            if (Long.compareUnsigned(cur.physicalAddress(), prev.end()) < 0) {
                throw fail(name, String.format("segments overlap: [0x%x, 0x%x) and [0x%x, 0x%x)",
                        prev.physicalAddress(), prev.end(), cur.physicalAddress(), cur.end()));
            }
        }
    }

    private static Map<String, Long> readSymbols(String name, ByteBuffer b) throws InvalidImageException {
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        Map<String, Long> symbols = new HashMap<>();
        if (shoff == 0 || shnum == 0) {
            return symbols;
        }
        if (shentsize != SHDR_SIZE) {
            throw fail(name, "section header size " + shentsize + " (expected " + SHDR_SIZE + ")");
        }
        checkRange(name, b, shoff, (long) shnum * SHDR_SIZE, "section header table");
        for (int i = 0; i < shnum; i++) {
            int s = (int) (shoff + (long) i * SHDR_SIZE);
            if (b.getInt(s + 4) != SHT_SYMTAB) {
                continue;
            }
            long symOff = b.getLong(s + 24);
            long symSize = b.getLong(s + 32);
            int link = b.getInt(s + 40);
            checkRange(name, b, symOff, symSize, "symbol table");
            if (link < 0 || link >= shnum) {
                throw fail(name, "symbol table links to missing string table " + link);
            }
            int str = (int) (shoff + (long) link * SHDR_SIZE);
            long strOff = b.getLong(str + 24);
            long strSize = b.getLong(str + 32);
            checkRange(name, b, strOff, strSize, "string table");
            for (long e = 0; e + SYM_SIZE <= symSize; e += SYM_SIZE) {
                int sym = (int) (symOff + e);
                long nameIdx = b.getInt(sym) & 0xffffffffL;
                if (nameIdx == 0 || nameIdx >= strSize) {
                    continue;
                }
                symbols.putIfAbsent(cString(b, (int) (strOff + nameIdx), (int) (strOff + strSize)),
                        b.getLong(sym + 8));
            }
        }
        return symbols;
    }

    private static String cString(ByteBuffer b, int from, int limit) {
        int end = from;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - from];
        b.get(from, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void checkRange(String name, ByteBuffer b, long offset, long length, String what)
            throws InvalidImageException {
        if (offset < 0 || length < 0 || offset > b.capacity() || length > b.capacity() - offset) {
            throw fail(name, what + " lies outside the file (offset " + offset + ", length " + length
                    + ", file size " + b.capacity() + ")");
        }
    }

    private static InvalidImageException fail(String name, String problem) {
        return new InvalidImageException(name + ": " + problem);
    }
}
