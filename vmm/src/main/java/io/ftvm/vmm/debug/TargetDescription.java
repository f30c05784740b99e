package io.ftvm.vmm.debug;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.cpu.Csr;
import java.util.List;

/**
 * The registers the debugger shows and their GDB numbers, and the target description XML that tells GDB about them
 * (features {@code org.gnu.gdb.riscv.cpu}, {@code .fpu}, {@code .csr} and {@code .virtual}, as GDB's RISC-V target
 * expects): 0–31 the integer registers, 32 pc, 33–64 the FP registers, 65–67 fflags, frm, fcsr, then the CSRs
 * below, then the privilege level.
 */
final class TargetDescription {
    static final int PC = 32;
    static final int FIRST_FP = 33;
    static final int FFLAGS = 65;
    static final int FRM = 66;
    static final int FCSR = 67;
    static final int FIRST_CSR = 68;

    private static final String[] X_NAMES = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
        "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3",
        "t4", "t5", "t6"};
    private static final String[] F_NAMES = {"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1",
        "fa0", "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
        "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

    /** A CSR shown to GDB. */
    record CsrReg(String name, int number) {
    }

    static final List<CsrReg> CSRS = List.of(new CsrReg("sstatus", Csr.SSTATUS), new CsrReg("sie", Csr.SIE),
            new CsrReg("stvec", Csr.STVEC), new CsrReg("sscratch", Csr.SSCRATCH), new CsrReg("sepc", Csr.SEPC),
            new CsrReg("scause", Csr.SCAUSE), new CsrReg("stval", Csr.STVAL), new CsrReg("sip", Csr.SIP),
            new CsrReg("satp", Csr.SATP), new CsrReg("mstatus", Csr.MSTATUS), new CsrReg("misa", Csr.MISA),
            new CsrReg("medeleg", Csr.MEDELEG), new CsrReg("mideleg", Csr.MIDELEG), new CsrReg("mie", Csr.MIE),
            new CsrReg("mtvec", Csr.MTVEC), new CsrReg("mscratch", Csr.MSCRATCH), new CsrReg("mepc", Csr.MEPC),
            new CsrReg("mcause", Csr.MCAUSE), new CsrReg("mtval", Csr.MTVAL), new CsrReg("mip", Csr.MIP),
            new CsrReg("mhartid", Csr.MHARTID), new CsrReg("cycle", Csr.CYCLE), new CsrReg("time", Csr.TIME),
            new CsrReg("instret", Csr.INSTRET));

    static final int PRIV = FIRST_CSR + CSRS.size();
    static final int COUNT = PRIV + 1;

    private TargetDescription() {
    }

    static String xml() {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                + "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
                + "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
        for (int i = 0; i < 32; i++) {
            reg(s, X_NAMES[i], 64, i == 1 || i == 0 ? "int" : i == 2 ? "data_ptr" : "int", i);
        }
        reg(s, "pc", 64, "code_ptr", PC);
        s.append("</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n");
        for (int i = 0; i < 32; i++) {
            reg(s, F_NAMES[i], 64, "ieee_double", FIRST_FP + i);
        }
        reg(s, "fflags", 32, "int", FFLAGS);
        reg(s, "frm", 32, "int", FRM);
        reg(s, "fcsr", 32, "int", FCSR);
        s.append("</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n");
        for (int i = 0; i < CSRS.size(); i++) {
            reg(s, CSRS.get(i).name(), 64, "int", FIRST_CSR + i);
        }
        s.append("</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n");
        reg(s, "priv", 64, "int", PRIV);
        return s.append("</feature>\n</target>\n").toString();
    }

    private static void reg(StringBuilder s, String name, int bits, String type, int regnum) {
        s.append("  <reg name=\"").append(name).append("\" bitsize=\"").append(bits).append("\" type=\"")
                .append(type).append("\" regnum=\"").append(regnum).append("\"/>\n");
    }

    /** Register {@code n}'s size in bytes, or 0 when there is no such register. */
    static int size(int n) {
        return n >= FFLAGS && n <= FCSR ? 4 : n >= 0 && n < COUNT ? 8 : 0;
    }

    /** Register {@code n}'s value now, or null when it cannot be read (an FP CSR while the FPU is off). */
    static Long value(Machine m, int n) {
        if (n < 32) {
            return m.cpu().register(n);
        }
        if (n == PC) {
            return m.cpu().pc();
        }
        if (n < FFLAGS) {
            return m.cpu().fpRegister(n - FIRST_FP);
        }
        try {
            if (n <= FCSR) {
                return m.cpu().csrs().peek(n == FFLAGS ? Csr.FFLAGS : n == FRM ? Csr.FRM : Csr.FCSR);
            }
            if (n < PRIV) {
                return m.cpu().csrs().peek(CSRS.get(n - FIRST_CSR).number());
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return (long) m.cpu().privilege();
    }
}
