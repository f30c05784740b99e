package io.ftvm.vmm.differential;

import java.util.List;

/** Names the RV64C instruction form of a 16-bit encoding (test-side classification, from the spec's tables). */
final class RvcForms {
    static final List<String> ALL = List.of(
            "c.addi4spn", "c.lw", "c.ld", "c.sw", "c.sd",
            "c.nop", "c.addi", "c.addiw", "c.li", "c.addi16sp", "c.lui", "c.srli", "c.srai", "c.andi",
            "c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw", "c.j", "c.beqz", "c.bnez",
            "c.slli", "c.lwsp", "c.ldsp", "c.jr", "c.mv", "c.ebreak", "c.jalr", "c.add", "c.swsp", "c.sdsp",
            "c.fld", "c.fsd", "c.fldsp", "c.fsdsp");

    private RvcForms() {
    }

    static String name(int c) {
        int f3 = (c >>> 13) & 7;
        int rd = (c >>> 7) & 0x1f;
        int rs2 = (c >>> 2) & 0x1f;
        boolean b12 = (c & 0x1000) != 0;
        switch (c & 3) {
            case 0:
                return new String[] {"c.addi4spn", "c.fld", "c.lw", "c.ld", "reserved", "c.fsd", "c.sw", "c.sd"}[f3];
            case 1:
                switch (f3) {
                    case 0: return rd == 0 ? "c.nop" : "c.addi";
                    case 1: return "c.addiw";
                    case 2: return "c.li";
                    case 3: return rd == 2 ? "c.addi16sp" : "c.lui";
                    case 4: {
                        int f2 = (c >>> 10) & 3;
                        if (f2 < 3) {
                            return new String[] {"c.srli", "c.srai", "c.andi"}[f2];
                        }
                        int sel = (c >>> 5) & 3;
                        return b12 ? new String[] {"c.subw", "c.addw", "reserved", "reserved"}[sel]
                                : new String[] {"c.sub", "c.xor", "c.or", "c.and"}[sel];
                    }
                    case 5: return "c.j";
                    case 6: return "c.beqz";
                    default: return "c.bnez";
                }
            case 2:
                switch (f3) {
                    case 0: return "c.slli";
                    case 1: return "c.fldsp";
                    case 2: return "c.lwsp";
                    case 3: return "c.ldsp";
                    case 4:
                        if (!b12) {
                            return rs2 == 0 ? "c.jr" : "c.mv";
                        }
                        if (rs2 == 0) {
                            return rd == 0 ? "c.ebreak" : "c.jalr";
                        }
                        return "c.add";
                    case 5: return "c.fsdsp";
                    case 6: return "c.swsp";
                    default: return "c.sdsp";
                }
            default:
                return "not-compressed";
        }
    }
}
