package io.ftvm.vmm.debug;

import java.util.function.IntToLongFunction;

/**
 * Which data memory an instruction is about to access, for watchpoints: the loads, stores and atomics of RV64GC
 * (including the compressed ones), their virtual address from the registers before the instruction runs, and their
 * size. Everything else accesses no data memory.
 */
final class AccessDecoder {
    /** A data access: {@code reads} and/or {@code writes} {@code size} bytes at virtual {@code address}. */
    record Access(long address, int size, boolean reads, boolean writes) {
        boolean overlaps(long from, long length) {
            return address < from + length && from < address + size;
        }
    }

    private AccessDecoder() {
    }

    /**
     * The access of instruction {@code raw} (its low 16 bits alone when compressed) with registers {@code x}, or null
     * when it accesses no data memory.
     */
    static Access decode(int raw, IntToLongFunction x) {
        if ((raw & 3) != 3) {
            return compressed(raw & 0xffff, x);
        }
        int opcode = raw & 0x7f;
        int funct3 = (raw >>> 12) & 7;
        int rs1 = (raw >>> 15) & 31;
        long base = x.applyAsLong(rs1);
        switch (opcode) {
            case 0x03: { // LOAD
                if (funct3 == 7) {
                    return null;
                }
                return new Access(base + (raw >> 20), 1 << (funct3 & 3), true, false);
            }
            case 0x07: // LOAD-FP
                return funct3 == 2 || funct3 == 3 ? new Access(base + (raw >> 20), funct3 == 2 ? 4 : 8, true, false)
                        : null;
            case 0x23: // STORE
            case 0x27: { // STORE-FP
                long imm = ((raw >> 25) << 5) | ((raw >>> 7) & 31);
                if (opcode == 0x23 ? funct3 > 3 : funct3 != 2 && funct3 != 3) {
                    return null;
                }
                return new Access(base + imm, 1 << funct3, false, true);
            }
            case 0x2f: { // AMO, LR, SC
                if (funct3 != 2 && funct3 != 3) {
                    return null;
                }
                int funct5 = raw >>> 27;
                int size = funct3 == 2 ? 4 : 8;
                return new Access(base, size, funct5 != 0x03, funct5 != 0x02);
            }
            default:
                return null;
        }
    }

    private static Access compressed(int c, IntToLongFunction x) {
        int quadrant = c & 3;
        int funct3 = c >>> 13;
        if (quadrant == 0) {
            long base = x.applyAsLong(8 + ((c >>> 7) & 7));
            long word = (((c >>> 10) & 7) << 3) | (((c >>> 6) & 1) << 2) | (((c >>> 5) & 1) << 6);
            long dword = (((c >>> 10) & 7) << 3) | (((c >>> 5) & 3) << 6);
            switch (funct3) {
                case 1: case 3: return new Access(base + dword, 8, true, false); // c.fld, c.ld
                case 2: return new Access(base + word, 4, true, false); // c.lw
                case 5: case 7: return new Access(base + dword, 8, false, true); // c.fsd, c.sd
                case 6: return new Access(base + word, 4, false, true); // c.sw
                default: return null;
            }
        }
        if (quadrant == 2) {
            long sp = x.applyAsLong(2);
            switch (funct3) {
                case 1: case 3: // c.fldsp, c.ldsp
                    return new Access(sp + ((((c >>> 12) & 1) << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6)),
                            8, true, false);
                case 2: // c.lwsp
                    return new Access(sp + ((((c >>> 12) & 1) << 5) | (((c >>> 4) & 7) << 2) | (((c >>> 2) & 3) << 6)),
                            4, true, false);
                case 5: case 7: // c.fsdsp, c.sdsp
                    return new Access(sp + ((((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6)), 8, false, true);
                case 6: // c.swsp
                    return new Access(sp + ((((c >>> 9) & 15) << 2) | (((c >>> 7) & 3) << 6)), 4, false, true);
                default:
                    return null;
            }
        }
        return null;
    }
}
