package io.ftvm.vmm.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.cpu.Cause;
import io.ftvm.vmm.cpu.CpuObserver;
import io.ftvm.vmm.cpu.Op;
import io.ftvm.vmm.cpu.Privilege;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves that the guest images the differential test compares against QEMU execute every RV64IMAFDC instruction
 * (each operation, every compressed form, every rounding mode of both floating-point formats) and reach the privileged features: every exception cause, the
 * interrupts, delegation to S-mode and vectored handlers.
 */
class GuestCoverageIT {
    private static final Set<Integer> opsSeen = new TreeSet<>();
    private static final Set<String> rvcSeen = new TreeSet<>();
    private static final Set<Long> exceptionsSeen = new TreeSet<>();
    private static final Set<Long> interruptsSeen = new TreeSet<>();
    private static final Set<String> trapRoutes = new TreeSet<>();
    private static boolean vectoredSeen;
    /** Floating-point rounding modes seen, as "S:0" ... "D:7". */
    private static final Set<String> roundingSeen = new TreeSet<>();

    @BeforeAll
    static void runAllImages() throws Exception {
        CpuObserver observer = new CpuObserver() {
            @Override
            public void decoded(long pc, int raw, long decoded) {
                opsSeen.add(Op.op(decoded));
                int rm = Op.roundingMode(decoded);
                if (rm >= 0) {
                    roundingSeen.add((Op.op(decoded) >= Op.FP_D ? "D:" : "S:") + rm);
                }
                if ((raw & 3) != 3) {
                    rvcSeen.add(RvcForms.name(raw & 0xffff));
                }
            }

            @Override
            public void trap(long cause, long tval, int from, int to, boolean vectored) {
                if (cause < 0) {
                    interruptsSeen.add(cause & 0xff);
                } else {
                    exceptionsSeen.add(cause);
                }
                trapRoutes.add(Privilege.name(from) + "->" + Privilege.name(to));
                vectoredSeen |= vectored;
            }
        };
        for (Path image : GuestImages.all()) {
            // Interpreted, so the observer sees every executed instruction being decoded.
            GuestRun r = GuestRun.of(image, observer, false);
            assertThat(r.reason()).as(image.toString()).isEqualTo(RunResult.Reason.POWER_OFF);
        }
    }

    @Test
    void everyOperationIsExecuted() throws Exception {
        Map<Integer, String> names = new TreeMap<>();
        for (Field f : Op.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                int v = f.getInt(null);
                if (v > Op.UNDECODED && v < Op.COUNT) {
                    names.put(v, f.getName());
                }
            }
        }
        for (int op = Op.FP_S; op < Op.COUNT; op++) {
            names.put(op, Op.floatingPointName(op));
        }
        Map<Integer, String> missing = new TreeMap<>(names);
        missing.keySet().removeAll(opsSeen);
        assertThat(missing).as("operations no guest image executes").isEmpty();
    }

    @Test
    void everyRoundingModeOfBothFormatsIsExecuted() {
        assertThat(roundingSeen).containsExactlyInAnyOrder("S:0", "S:1", "S:2", "S:3", "S:4", "S:7", "D:0", "D:1",
                "D:2", "D:3", "D:4", "D:7");
    }

    @Test
    void everyCompressedFormIsExecuted() {
        Set<String> missing = new TreeSet<>(RvcForms.ALL);
        missing.removeAll(rvcSeen);
        assertThat(missing).as("RVC forms no guest image executes").isEmpty();
    }

    @Test
    void everyExceptionCauseIsTaken() {
        assertThat(exceptionsSeen).contains(
                (long) Cause.INSTRUCTION_ACCESS_FAULT, (long) Cause.ILLEGAL_INSTRUCTION, (long) Cause.BREAKPOINT,
                (long) Cause.LOAD_MISALIGNED, (long) Cause.LOAD_ACCESS_FAULT, (long) Cause.STORE_MISALIGNED,
                (long) Cause.STORE_ACCESS_FAULT, (long) Cause.ECALL_FROM_U, (long) Cause.ECALL_FROM_S,
                (long) Cause.ECALL_FROM_M, (long) Cause.INSTRUCTION_PAGE_FAULT, (long) Cause.LOAD_PAGE_FAULT,
                (long) Cause.STORE_PAGE_FAULT);
    }

    @Test
    void interruptsDelegationAndVectoringAreExercised() {
        assertThat(interruptsSeen).contains((long) Cause.IRQ_M_SOFTWARE, (long) Cause.IRQ_M_TIMER,
                (long) Cause.IRQ_S_SOFTWARE, (long) Cause.IRQ_S_TIMER);
        assertThat(trapRoutes).contains("U->M", "S->M", "M->M", "U->S", "S->S");
        assertThat(vectoredSeen).as("an interrupt through a vectored tvec").isTrue();
    }
}
