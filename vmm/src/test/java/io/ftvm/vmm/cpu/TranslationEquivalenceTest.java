package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Block translation must not change anything the guest or the driver can observe: each program runs on two
 * machines, one translating and one interpreting only, in the same random slices of {@code runUntil}; after every
 * slice pc, icount, all registers, the trap CSRs and the console must be equal. The programs loop long enough to be
 * translated and put the awkward cases inside translated blocks: MMIO, traps, stores into their own code, timer
 * interrupts, and limits that fall in the middle of a block.
 */
class TranslationEquivalenceTest {
    private static final int T0 = 5;
    private static final int T1 = 6;
    private static final int T2 = 7;
    private static final int A0 = 10;
    private static final int A1 = 11;
    private static final int A2 = 12;
    private static final int A3 = 13;
    private static final int A4 = 14;
    private static final int A5 = 15;
    private static final int A6 = 16;
    private static final int T4 = 29;
    private static final int T5 = 30;

    private static void assertSameExecution(Asm.Program program, Consumer<TestMachine> setup, long total, long seed) {
        TestMachine translated = new TestMachine().program(program);
        TestMachine interpreted = new TestMachine().program(program);
        interpreted.machine().setTranslation(false);
        setup.accept(translated);
        setup.accept(interpreted);
        Random random = new Random(seed);
        runSlices(translated, interpreted, random, total);
        assertThat(translated.cpu().blocksTranslated()).as("blocks translated").isPositive();
    }

    private static void runSlices(TestMachine translated, TestMachine interpreted, Random random, long total) {
        while (translated.icount() < total) {
            long to = translated.icount() + 1 + random.nextInt(400);
            translated.runUntil(to);
            interpreted.runUntil(to);
            assertThat(translated.icount()).as("icount").isEqualTo(interpreted.icount());
            assertThat(translated.pc()).as("pc at icount %d", translated.icount()).isEqualTo(interpreted.pc());
            for (int r = 1; r < 32; r++) {
                assertThat(translated.x(r)).as("x%d at icount %d", r, translated.icount()).isEqualTo(interpreted.x(r));
            }
            for (int csr : new int[] {Csr.MCAUSE, Csr.MEPC, Csr.MTVAL, Csr.MSTATUS}) {
                assertThat(translated.csr(csr)).as("csr %x", csr).isEqualTo(interpreted.csr(csr));
            }
            assertThat(translated.console()).isEqualTo(interpreted.console());
            assertThat(interpreted.cpu().blocksTranslated()).isZero();
            if (translated.icount() < to) {
                break; // both stopped early (idle or powered off) at the same point
            }
        }
    }

    /** Loads, stores, ALU, M and W operations in a loop of 2000 iterations. */
    @Test
    void arithmeticAndMemoryLoop() {
        Asm.Program p = new Asm.Program().li(T0, TestMachine.DATA).li(A5, 2000);
        int loop = p.size();
        p.add(ld(T1, T0, 0), add(T1, T1, A0), sd(T1, T0, 0), addi(A0, A0, 1), slli(T2, A0, 3), xor(A1, A1, T2),
                sw(A1, T0, 9), lbu(A2, T0, 10), lh(A3, T0, 9), mulw(A4, A1, A0), divuw(A6, A1, A0), remw(A6, A6, A4),
                sltu(A3, A6, A1), bne(A0, A5, loop - (p.size() + 52)));
        p.add(jal(0, 0));
        assertSameExecution(p, m -> { }, 40_000, 1);
    }

    /** Console output (MMIO) from inside a translated block ends the block right after the access. */
    @Test
    void mmioInsideBlocks() {
        Asm.Program p = new Asm.Program().li(T5, 0x1000_0000L).li(A5, 300);
        int loop = p.size();
        p.add(addi(A0, A0, 1), andi(A1, A0, 31), addi(A1, A1, 64), sb(A1, T5, 0), lbu(A2, T5, 5), add(A3, A3, A2),
                bne(A0, A5, loop - (p.size() + 24)));
        p.add(jal(0, 0));
        assertSameExecution(p, m -> { }, 4_000, 2);
    }

    /**
     * A store inside a running translated block rewrites the block's next instruction on iteration 120: the block
     * must end after the store so that the new instruction executes.
     */
    @Test
    void selfModifyingCodeInsideARunningBlock() {
        Asm.Program p = selfModifying(0);
        int delta = p.size(); // first pass: where the patched instruction lands relative to the auipc
        p = selfModifying(patchOffset);
        assertThat(delta).isPositive();
        assertSameExecution(p, m -> { }, 8_000, 3);
        TestMachine check = new TestMachine().program(p);
        check.runUntil(8_000);
        assertThat(check.x(A3)).as("119 increments of 1, then 281 of 7").isEqualTo(119 + 281 * 7);
    }

    private int patchOffset;

    private Asm.Program selfModifying(int offset) {
        Asm.Program p = new Asm.Program().li(A5, 400).li(A6, 120).li(T5, TestMachine.DATA).li(A4, addi(A3, A3, 7));
        int auipcAt = p.size();
        p.add(auipc(T0, 0), addi(T0, T0, offset), sub(T4, T0, T5));
        int loop = p.size();
        p.add(addi(A0, A0, 1), sub(T2, A0, A6), sltiu(T2, T2, 1), sub(T2, 0, T2), and(T1, T4, T2), add(T1, T1, T5),
                sw(A4, T1, 0));
        patchOffset = p.size() - auipcAt;
        p.add(addi(A3, A3, 1), bne(A0, A5, loop - (p.size() + 4)));
        p.add(jal(0, 0));
        return p;
    }

    /** A load fault inside a translated block: same mepc, mtval, icount, and earlier results of the block kept. */
    @Test
    void trapInsideATranslatedBlock() {
        Asm.Program p = new Asm.Program().li(T4, TestMachine.DATA).li(A5, 150).li(A6, 0x9000_0000L);
        int loop = p.size();
        p.add(addi(A0, A0, 1), bne(A0, A5, 8), addi(T4, A6, 0));
        p.add(addi(A1, A1, 3), addi(A2, A2, 5), ld(T1, T4, 0), add(A3, A3, T1), jal(0, loop - (p.size() + 16)));
        assertSameExecution(p, m -> { }, 3_000, 4);
    }

    /** Timer interrupts land at exact instruction counts even when a translated block spans the deadline. */
    @Test
    void timerInterruptsAtExactCounts() {
        Asm.Program p = new Asm.Program().li(T0, 0x0200_4000L).li(T1, 777).add(sd(T1, T0, 0));
        int loop = p.size();
        p.add(addi(A0, A0, 1), addi(A1, A1, 2), xor(A2, A2, A0), addi(A3, A3, 1), add(A4, A4, A1),
                jal(0, loop - (p.size() + 20)));
        assertSameExecution(p, m -> {
            m.setCsr(Csr.MIE, Csr.MTIP);
            m.setCsr(Csr.MSTATUS, Csr.MIE_BIT);
        }, 20_000, 5);
    }
}
