package io.ftvm.vmm.cpu;

import static org.objectweb.asm.Opcodes.*;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Translates a basic block of decoded instructions into a JVM class (a {@link Block}), which HotSpot then compiles
 * to native code: guest registers stay in the {@code x} array, but there is no fetch, decode or dispatch per
 * instruction. Semantics are those of {@link Cpu}'s interpreter instruction by instruction (the tests run both and
 * compare); the block contract is documented on {@link Block}.
 *
 * <p>Classes are hidden classes in this package, unloaded when their block is dropped.
 */
final class BlockTranslator {
    /** Most instructions in one block. */
    static final int MAX_INSTRUCTIONS = 48;

    private static final String CPU = "io/ftvm/vmm/cpu/Cpu";
    private static final String DATA = "io/ftvm/vmm/cpu/DataPath";
    private static final String BLOCK = "io/ftvm/vmm/cpu/Block";
    private static final String MULDIV = "io/ftvm/vmm/cpu/MulDiv";
    private static final String FP_UNIT = "io/ftvm/vmm/cpu/FpUnit";
    private static final String RUN_DESC = "(L" + CPU + ";L" + DATA + ";[JJJ)J";
    private static final int L_C = 1;
    private static final int L_M = 2;
    private static final int L_X = 3;
    private static final int L_PC0 = 4;
    private static final int L_ICOUNT = 6;
    private static final int L_TMP = 8;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();

    /** True for instructions a block may contain before its end. */
    static boolean straightLine(int op) {
        return (op >= Op.LUI && op <= Op.FENCE_I && !endsBlock(op)) || Op.isFloatingPoint(op);
    }

    /** True for instructions that end a block (included as its last instruction). */
    static boolean endsBlock(int op) {
        return op >= Op.JAL && op <= Op.BGEU;
    }

    /**
     * Builds a block from decoded instructions {@code ops[0..n)} at byte offsets {@code offsets[0..n]} (the last
     * entry is the end). Returns null if the JVM refuses the class (never expected; the interpreter then goes on).
     */
    Block translate(long[] ops, short[] offsets) {
        int n = offsets.length - 1;
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        cw.visit(V17, ACC_FINAL | ACC_SUPER, "io/ftvm/vmm/cpu/TranslatedBlock", null, BLOCK, null);
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "([S)V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitVarInsn(ALOAD, 1);
        init.visitMethodInsn(INVOKESPECIAL, BLOCK, "<init>", "([S)V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "run", RUN_DESC, null, null);
        mv.visitCode();
        boolean ended = false;
        for (int k = 0; k < n; k++) {
            long d = ops[k];
            int op = Op.op(d);
            if (endsBlock(op)) {
                emitEnd(mv, d, offsets[k], offsets[k + 1], n);
                ended = true;
            } else {
                emitStraight(mv, d, k, offsets[k], offsets[k + 1]);
            }
        }
        if (!ended) {
            exit(mv, n, offsets[n]);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(cw.toByteArray(), true);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class, short[].class));
            return (Block) ctor.invoke(offsets);
        } catch (Throwable e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void pushLong(MethodVisitor mv, long v) {
        if (v == 0) {
            mv.visitInsn(LCONST_0);
        } else if (v == 1) {
            mv.visitInsn(LCONST_1);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private static void pushInt(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private static void reg(MethodVisitor mv, int r) {
        if (r == 0) {
            mv.visitInsn(LCONST_0);
            return;
        }
        mv.visitVarInsn(ALOAD, L_X);
        pushInt(mv, r);
        mv.visitInsn(LALOAD);
    }

    /** Pushes {@code x, rd} so that a value pushed next can be stored with LASTORE. */
    private static void target(MethodVisitor mv, int rd) {
        mv.visitVarInsn(ALOAD, L_X);
        pushInt(mv, rd);
    }

    /** Pushes pc0 + off. */
    private static void pcPlus(MethodVisitor mv, long off) {
        mv.visitVarInsn(LLOAD, L_PC0);
        if (off != 0) {
            pushLong(mv, off);
            mv.visitInsn(LADD);
        }
    }

    /** c.icount = icount + k. */
    private static void syncIcount(MethodVisitor mv, int k) {
        mv.visitVarInsn(ALOAD, L_C);
        mv.visitVarInsn(LLOAD, L_ICOUNT);
        if (k != 0) {
            pushLong(mv, k);
            mv.visitInsn(LADD);
        }
        mv.visitFieldInsn(PUTFIELD, CPU, "icount", "J");
    }

    /** c.icount = icount + retired; return pc0 + nextOff. */
    private static void exit(MethodVisitor mv, int retired, long nextOff) {
        syncIcount(mv, retired);
        pcPlus(mv, nextOff);
        mv.visitInsn(LRETURN);
    }

    private static void staticCall(MethodVisitor mv, String owner, String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
    }

    // ---------------------------------------------------------------- instructions

    private void emitStraight(MethodVisitor mv, long d, int k, int off, int nextOff) {
        int op = Op.op(d);
        int rd = Op.rd(d);
        int rs1 = Op.rs1(d);
        int rs2 = Op.rs2(d);
        long imm = Op.imm(d);
        if (Op.isFloatingPoint(op)) {
            syncIcount(mv, k); // the count first, for traps (FS off, a reserved frm) and devices
            emitFloatingPoint(mv, d);
            if (op <= Op.FSD) {
                exitIfBlockEnded(mv, k, nextOff);
            }
            return;
        }
        if (op >= Op.LB && op <= Op.LWU) {
            syncIcount(mv, k);
            if (rd != Op.SINK) {
                target(mv, rd);
            }
            mv.visitVarInsn(ALOAD, L_M);
            reg(mv, rs1);
            pushLong(mv, imm);
            mv.visitInsn(LADD);
            String name = new String[] {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"}[op - Op.LB];
            mv.visitMethodInsn(INVOKEVIRTUAL, DATA, name, "(J)J", false);
            mv.visitInsn(rd != Op.SINK ? LASTORE : POP2);
            exitIfBlockEnded(mv, k, nextOff);
            return;
        }
        if (op >= Op.SB && op <= Op.SD) {
            syncIcount(mv, k);
            mv.visitVarInsn(ALOAD, L_M);
            reg(mv, rs1);
            pushLong(mv, imm);
            mv.visitInsn(LADD);
            reg(mv, rs2);
            String name = new String[] {"sb", "sh", "sw", "sd"}[op - Op.SB];
            mv.visitMethodInsn(INVOKEVIRTUAL, DATA, name, "(JJ)V", false);
            exitIfBlockEnded(mv, k, nextOff);
            return;
        }
        if (op == Op.FENCE || op == Op.FENCE_I || rd == Op.SINK) {
            return; // no architectural effect (ALU results to x0 are discarded)
        }
        target(mv, rd);
        alu(mv, op, rs1, rs2, imm, off);
        mv.visitInsn(LASTORE);
    }

    /**
     * A floating-point instruction: the common ones as calls of {@link FpUnit}'s small entry points with constant
     * register numbers and modes (HotSpot inlines them, and the arithmetic's fast path with them); the rest through
     * {@code FpUnit.execute(d, x)}.
     */
    private static void emitFloatingPoint(MethodVisitor mv, long d) {
        int op = Op.op(d);
        int i = Op.imm(d);
        int rd = (i >>> 7) & 0x1f;
        int rs1 = (i >>> 15) & 0x1f;
        int rs2 = (i >>> 20) & 0x1f;
        int rm = (i >>> 12) & 7;
        mv.visitVarInsn(ALOAD, L_C);
        mv.visitFieldInsn(GETFIELD, CPU, "fp", "L" + FP_UNIT + ";");
        pushLong(mv, d);
        if (op <= Op.FSD) {
            boolean store = op >= Op.FSW;
            pushInt(mv, op == Op.FLD || op == Op.FSD ? 1 : 0);
            pushInt(mv, store ? rs2 : rd);
            reg(mv, rs1);
            pushLong(mv, store ? ((i >> 25) << 5) | ((i >>> 7) & 0x1f) : i >> 20);
            mv.visitInsn(LADD);
            mv.visitMethodInsn(INVOKEVIRTUAL, FP_UNIT, store ? "store" : "load", "(JZIJ)V", false);
            return;
        }
        boolean dbl = op >= Op.FP_D;
        int k = op - (dbl ? Op.FP_D : Op.FP_S);
        if (k <= FpDecoder.DIV) {
            pushInt(mv, k);
            pushInt(mv, dbl ? 1 : 0);
            pushInt(mv, rd);
            pushInt(mv, rs1);
            pushInt(mv, rs2);
            pushInt(mv, rm);
            mv.visitMethodInsn(INVOKEVIRTUAL, FP_UNIT, "arithmetic", "(JIZIIII)V", false);
        } else if (k >= FpDecoder.MADD && k <= FpDecoder.NMADD) {
            pushInt(mv, k);
            pushInt(mv, dbl ? 1 : 0);
            pushInt(mv, rd);
            pushInt(mv, rs1);
            pushInt(mv, rs2);
            pushInt(mv, i >>> 27);
            pushInt(mv, rm);
            mv.visitMethodInsn(INVOKEVIRTUAL, FP_UNIT, "fusedMultiplyAdd", "(JIZIIIII)V", false);
        } else if (k >= FpDecoder.SGNJ && k <= FpDecoder.SGNJX) {
            pushInt(mv, k - FpDecoder.SGNJ);
            pushInt(mv, dbl ? 1 : 0);
            pushInt(mv, rd);
            pushInt(mv, rs1);
            pushInt(mv, rs2);
            mv.visitMethodInsn(INVOKEVIRTUAL, FP_UNIT, "signInjection", "(JIZIII)V", false);
        } else {
            mv.visitVarInsn(ALOAD, L_X);
            mv.visitMethodInsn(INVOKEVIRTUAL, FP_UNIT, "execute", "(J[J)V", false);
        }
    }

    /** After a memory access: if it ended the execution block, leave right after this instruction. */
    private static void exitIfBlockEnded(MethodVisitor mv, int k, int nextOff) {
        Label go = new Label();
        mv.visitVarInsn(ALOAD, L_C);
        mv.visitFieldInsn(GETFIELD, CPU, "blockEnd", "J");
        mv.visitVarInsn(LLOAD, L_ICOUNT);
        pushLong(mv, k + 1);
        mv.visitInsn(LADD);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFGT, go);
        exit(mv, k + 1, nextOff);
        mv.visitLabel(go);
    }

    /** Pushes the long result of an ALU, multiply or divide operation. */
    private static void alu(MethodVisitor mv, int op, int rs1, int rs2, long imm, int off) {
        switch (op) {
            case Op.LUI: pushLong(mv, imm); return;
            case Op.AUIPC: pcPlus(mv, off + imm); return;
            case Op.ADDI: reg(mv, rs1); pushLong(mv, imm); mv.visitInsn(LADD); return;
            case Op.XORI: reg(mv, rs1); pushLong(mv, imm); mv.visitInsn(LXOR); return;
            case Op.ORI: reg(mv, rs1); pushLong(mv, imm); mv.visitInsn(LOR); return;
            case Op.ANDI: reg(mv, rs1); pushLong(mv, imm); mv.visitInsn(LAND); return;
            case Op.SLTI: reg(mv, rs1); pushLong(mv, imm); staticCall(mv, MULDIV, "slt", "(JJ)J"); return;
            case Op.SLTIU: reg(mv, rs1); pushLong(mv, imm); staticCall(mv, MULDIV, "sltu", "(JJ)J"); return;
            case Op.SLLI: reg(mv, rs1); pushInt(mv, (int) imm); mv.visitInsn(LSHL); return;
            case Op.SRLI: reg(mv, rs1); pushInt(mv, (int) imm); mv.visitInsn(LUSHR); return;
            case Op.SRAI: reg(mv, rs1); pushInt(mv, (int) imm); mv.visitInsn(LSHR); return;
            case Op.ADDIW: reg(mv, rs1); pushLong(mv, imm); mv.visitInsn(LADD); mv.visitInsn(L2I); break;
            case Op.SLLIW: reg(mv, rs1); mv.visitInsn(L2I); pushInt(mv, (int) imm); mv.visitInsn(ISHL); break;
            case Op.SRLIW: reg(mv, rs1); mv.visitInsn(L2I); pushInt(mv, (int) imm); mv.visitInsn(IUSHR); break;
            case Op.SRAIW: reg(mv, rs1); mv.visitInsn(L2I); pushInt(mv, (int) imm); mv.visitInsn(ISHR); break;
            default:
                aluRegister(mv, op, rs1, rs2);
                return;
        }
        mv.visitInsn(I2L);
    }

    private static void aluRegister(MethodVisitor mv, int op, int rs1, int rs2) {
        reg(mv, rs1);
        if (op >= Op.ADDW && op <= Op.SRAW || op >= Op.MULW) {
            mv.visitInsn(L2I);
            reg(mv, rs2);
            mv.visitInsn(L2I);
            word(mv, op);
            return;
        }
        reg(mv, rs2);
        switch (op) {
            case Op.ADD: mv.visitInsn(LADD); return;
            case Op.SUB: mv.visitInsn(LSUB); return;
            case Op.XOR: mv.visitInsn(LXOR); return;
            case Op.OR: mv.visitInsn(LOR); return;
            case Op.AND: mv.visitInsn(LAND); return;
            case Op.SLL: mv.visitInsn(L2I); mv.visitInsn(LSHL); return;
            case Op.SRL: mv.visitInsn(L2I); mv.visitInsn(LUSHR); return;
            case Op.SRA: mv.visitInsn(L2I); mv.visitInsn(LSHR); return;
            case Op.SLT: staticCall(mv, MULDIV, "slt", "(JJ)J"); return;
            case Op.SLTU: staticCall(mv, MULDIV, "sltu", "(JJ)J"); return;
            case Op.MUL: mv.visitInsn(LMUL); return;
            case Op.MULH: staticCall(mv, "java/lang/Math", "multiplyHigh", "(JJ)J"); return;
            case Op.MULHSU: staticCall(mv, MULDIV, "mulhsu", "(JJ)J"); return;
            case Op.MULHU: staticCall(mv, MULDIV, "mulhu", "(JJ)J"); return;
            case Op.DIV: staticCall(mv, MULDIV, "div", "(JJ)J"); return;
            case Op.DIVU: staticCall(mv, MULDIV, "divu", "(JJ)J"); return;
            case Op.REM: staticCall(mv, MULDIV, "rem", "(JJ)J"); return;
            case Op.REMU: staticCall(mv, MULDIV, "remu", "(JJ)J"); return;
            default: throw new IllegalArgumentException("not an ALU operation: " + op);
        }
    }

    /** 32-bit operations on two ints on the stack; leaves a sign-extended long. */
    private static void word(MethodVisitor mv, int op) {
        switch (op) {
            case Op.ADDW: mv.visitInsn(IADD); break;
            case Op.SUBW: mv.visitInsn(ISUB); break;
            case Op.SLLW: mv.visitInsn(ISHL); break;
            case Op.SRLW: mv.visitInsn(IUSHR); break;
            case Op.SRAW: mv.visitInsn(ISHR); break;
            case Op.MULW: mv.visitInsn(IMUL); break;
            case Op.DIVW: staticCall(mv, MULDIV, "divw", "(II)J"); return;
            case Op.DIVUW: staticCall(mv, MULDIV, "divuw", "(II)J"); return;
            case Op.REMW: staticCall(mv, MULDIV, "remw", "(II)J"); return;
            case Op.REMUW: staticCall(mv, MULDIV, "remuw", "(II)J"); return;
            default: throw new IllegalArgumentException("not a word operation: " + op);
        }
        mv.visitInsn(I2L);
    }

    /** The block's last instruction: a branch or jump. */
    private static void emitEnd(MethodVisitor mv, long d, int off, int nextOff, int n) {
        int op = Op.op(d);
        int rd = Op.rd(d);
        int rs1 = Op.rs1(d);
        int rs2 = Op.rs2(d);
        long imm = Op.imm(d);
        switch (op) {
            case Op.JAL:
                if (rd != Op.SINK) {
                    target(mv, rd);
                    pcPlus(mv, nextOff);
                    mv.visitInsn(LASTORE);
                }
                exit(mv, n, off + imm);
                return;
            case Op.JALR:
                reg(mv, rs1);
                pushLong(mv, imm);
                mv.visitInsn(LADD);
                pushLong(mv, -2L);
                mv.visitInsn(LAND);
                mv.visitVarInsn(LSTORE, L_TMP);
                if (rd != Op.SINK) {
                    target(mv, rd);
                    pcPlus(mv, nextOff);
                    mv.visitInsn(LASTORE);
                }
                syncIcount(mv, n);
                mv.visitVarInsn(LLOAD, L_TMP);
                mv.visitInsn(LRETURN);
                return;
            default:
                break;
        }
        Label taken = new Label();
        reg(mv, rs1);
        reg(mv, rs2);
        int jump;
        switch (op) {
            case Op.BEQ: mv.visitInsn(LCMP); jump = IFEQ; break;
            case Op.BNE: mv.visitInsn(LCMP); jump = IFNE; break;
            case Op.BLT: mv.visitInsn(LCMP); jump = IFLT; break;
            case Op.BGE: mv.visitInsn(LCMP); jump = IFGE; break;
            case Op.BLTU: staticCall(mv, "java/lang/Long", "compareUnsigned", "(JJ)I"); jump = IFLT; break;
            default: staticCall(mv, "java/lang/Long", "compareUnsigned", "(JJ)I"); jump = IFGE; break;
        }
        mv.visitJumpInsn(jump, taken);
        exit(mv, n, nextOff);
        mv.visitLabel(taken);
        exit(mv, n, off + imm);
    }
}
