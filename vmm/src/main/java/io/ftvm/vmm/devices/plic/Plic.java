package io.ftvm.vmm.devices.plic;

import io.ftvm.vmm.devices.InterruptLine;
import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.MmioDevice;

/**
 * The SiFive platform-level interrupt controller as QEMU's virt machine has it for one hart: sources 1..95
 * ({@link #SOURCES}), priorities 0..7 (0 never interrupts), two contexts — 0 drives the hart's machine external
 * interrupt (MEIP), 1 its supervisor external interrupt (SEIP).
 *
 * <pre>
 *  0x000000 + 4 * source      priority (WARL: values above 7 are ignored)
 *  0x001000 + 4 * word        pending bits (read only)
 *  0x002000 + 0x80 * context  enable bits
 *  0x200000 + 0x1000 * context + 0   priority threshold
 *  0x200000 + 0x1000 * context + 4   claim (read) / complete (write)
 * </pre>
 *
 * Sources are level-triggered: a source whose input is high becomes pending unless it is claimed; a claim returns
 * the enabled pending source of highest priority above the context's threshold (the lowest id among equals, 0 when
 * there is none), clears its pending bit and marks it claimed; its completion unmarks it, and a source whose input is
 * still high is pending again. A context's interrupt is asserted while it has an enabled, pending, unclaimed source
 * above its threshold. Only aligned 32-bit accesses do anything; others read 0 and are ignored, as are writes to
 * read-only registers, a complete of an out-of-range id and a threshold or priority above 7. Pure logic: every change
 * happens at the instruction that causes it, so interrupts are taken at exact instruction counts.
 */
public final class Plic implements MmioDevice {
    public static final long SIZE = 0x600000;
    /** Source ids are 1..SOURCES-1 (QEMU virt: 96 sources, 0 reserved). */
    public static final int SOURCES = 96;
    public static final int MAX_PRIORITY = 7;
    public static final int CONTEXTS = 2;
    private static final int WORDS = SOURCES / 32;
    private static final int PENDING = 0x1000;
    private static final int ENABLE = 0x2000;
    private static final int ENABLE_STRIDE = 0x80;
    private static final int CONTEXT = 0x200000;
    private static final int CONTEXT_STRIDE = 0x1000;

    private final int[] priority = new int[SOURCES];
    private final boolean[] level = new boolean[SOURCES];
    private final boolean[] pending = new boolean[SOURCES];
    private final boolean[] claimed = new boolean[SOURCES];
    private final int[] enable = new int[CONTEXTS * WORDS];
    private final int[] threshold = new int[CONTEXTS];
    private final InterruptLine[] outputs;
    private final boolean[] asserted = new boolean[CONTEXTS];

    /** {@code machine} and {@code supervisor}: the hart's external interrupt inputs (contexts 0 and 1). */
    public Plic(InterruptLine machine, InterruptLine supervisor) {
        this.outputs = new InterruptLine[] {machine, supervisor};
    }

    /** The interrupt line of source {@code id} (1..95), for a device to drive. */
    public InterruptLine source(int id) {
        if (id < 1 || id >= SOURCES) {
            throw new IllegalArgumentException("PLIC source " + id + " out of range 1.." + (SOURCES - 1));
        }
        return high -> setLevel(id, high);
    }

    private void setLevel(int id, boolean high) {
        level[id] = high;
        pending[id] = high && !claimed[id];
        update();
    }

    /** Whether context {@code context}'s interrupt is asserted now. */
    public boolean asserted(int context) {
        return asserted[context];
    }

    private boolean enabled(int context, int id) {
        return (enable[context * WORDS + (id >>> 5)] & (1 << (id & 31))) != 0;
    }

    /** The enabled, pending, unclaimed source of highest priority above the threshold, or 0. */
    private int best(int context) {
        int best = 0;
        int bestPriority = threshold[context];
        for (int id = 1; id < SOURCES; id++) {
            if (pending[id] && !claimed[id] && priority[id] > bestPriority && enabled(context, id)) {
                best = id;
                bestPriority = priority[id];
            }
        }
        return best;
    }

    private void update() {
        for (int c = 0; c < CONTEXTS; c++) {
            boolean on = best(c) != 0;
            if (on != asserted[c]) {
                asserted[c] = on;
                outputs[c].set(on);
            }
        }
    }

    @Override
    public long read(long offset, int size) {
        if (size != 4 || (offset & 3) != 0) {
            return 0;
        }
        int o = (int) offset;
        if (o < PENDING) {
            return priority[o >>> 2 < SOURCES ? o >>> 2 : 0];
        }
        if (o < PENDING + 4 * WORDS) {
            int word = (o - PENDING) >>> 2;
            int bits = 0;
            for (int j = 0; j < 32; j++) {
                if (pending[word * 32 + j]) {
                    bits |= 1 << j;
                }
            }
            return bits & 0xffff_ffffL;
        }
        if (o >= ENABLE && o < ENABLE + CONTEXTS * ENABLE_STRIDE) {
            int word = (o - ENABLE) % ENABLE_STRIDE >>> 2;
            return word < WORDS ? enable[(o - ENABLE) / ENABLE_STRIDE * WORDS + word] & 0xffff_ffffL : 0;
        }
        if (o >= CONTEXT && o < CONTEXT + CONTEXTS * CONTEXT_STRIDE) {
            int context = (o - CONTEXT) / CONTEXT_STRIDE;
            switch ((o - CONTEXT) % CONTEXT_STRIDE) {
                case 0:
                    return threshold[context];
                case 4:
                    return claim(context);
                default:
                    return 0;
            }
        }
        return 0;
    }

    private int claim(int context) {
        int id = best(context);
        if (id != 0) {
            pending[id] = false;
            claimed[id] = true;
            update();
        }
        return id;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4 || (offset & 3) != 0) {
            return;
        }
        int o = (int) offset;
        int v = (int) value;
        if (o < PENDING) {
            int id = o >>> 2;
            if (id >= 1 && id < SOURCES && Integer.compareUnsigned(v, MAX_PRIORITY) <= 0) {
                priority[id] = v;
                update();
            }
        } else if (o >= ENABLE && o < ENABLE + CONTEXTS * ENABLE_STRIDE) {
            int word = (o - ENABLE) % ENABLE_STRIDE >>> 2;
            if (word < WORDS) {
                enable[(o - ENABLE) / ENABLE_STRIDE * WORDS + word] = v; // source 0's bit too, as QEMU: it never pends
                update();
            }
        } else if (o >= CONTEXT && o < CONTEXT + CONTEXTS * CONTEXT_STRIDE) {
            int context = (o - CONTEXT) / CONTEXT_STRIDE;
            int register = (o - CONTEXT) % CONTEXT_STRIDE;
            if (register == 0 && Integer.compareUnsigned(v, MAX_PRIORITY) <= 0) {
                threshold[context] = v;
                update();
            } else if (register == 4 && v >= 1 && v < SOURCES && claimed[v]) {
                claimed[v] = false;
                pending[v] = level[v];
                update();
            }
        }
    }

    /** Adds the controller's state to a state digest. */
    public void hashState(Hasher h) {
        for (int id = 1; id < SOURCES; id++) {
            h.put(priority[id]).put((level[id] ? 1 : 0) | (pending[id] ? 2 : 0) | (claimed[id] ? 4 : 0));
        }
        for (int e : enable) {
            h.put(e);
        }
        for (int t : threshold) {
            h.put(t);
        }
    }

    public PlicState state() {
        return new PlicState(priority, level, pending, claimed, enable, threshold);
    }

    /**
     * Restores a snapshot's state and drives the outputs to match it.
     *
     * @throws IllegalArgumentException when the state does not fit this controller
     */
    public void restore(PlicState s) {
        if (s.priority().length != SOURCES || s.level().length != SOURCES || s.pending().length != SOURCES
                || s.claimed().length != SOURCES || s.enable().length != CONTEXTS * WORDS
                || s.threshold().length != CONTEXTS) {
            throw new IllegalArgumentException("PLIC state does not fit " + SOURCES + " sources and " + CONTEXTS
                    + " contexts");
        }
        for (int id = 0; id < SOURCES; id++) {
            int p = s.priority()[id];
            if (p < 0 || p > MAX_PRIORITY) {
                throw new IllegalArgumentException("PLIC source " + id + " has priority " + p);
            }
        }
        for (int t : s.threshold()) {
            if (t < 0 || t > MAX_PRIORITY) {
                throw new IllegalArgumentException("PLIC threshold " + t);
            }
        }
        System.arraycopy(s.priority(), 0, priority, 0, SOURCES);
        System.arraycopy(s.level(), 0, level, 0, SOURCES);
        System.arraycopy(s.pending(), 0, pending, 0, SOURCES);
        System.arraycopy(s.claimed(), 0, claimed, 0, SOURCES);
        System.arraycopy(s.enable(), 0, enable, 0, CONTEXTS * WORDS);
        System.arraycopy(s.threshold(), 0, threshold, 0, CONTEXTS);
        priority[0] = 0;
        for (int c = 0; c < CONTEXTS; c++) {
            asserted[c] = best(c) != 0;
            outputs[c].set(asserted[c]);
        }
    }
}
