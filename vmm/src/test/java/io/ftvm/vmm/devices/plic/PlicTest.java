package io.ftvm.vmm.devices.plic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.vmm.devices.InterruptLine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PLIC's registers and its level-triggered gateway as the SiFive PLIC specification (and QEMU's virt machine)
 * give them: priorities and thresholds (WARL, 0..7), per-context enables, claim of the highest-priority source above
 * the threshold (lowest id among equals), completion re-pending a source whose input is still high, the two contexts'
 * outputs, out-of-range and odd accesses ignored, and the state round trip.
 */
class PlicTest {
    private final List<String> changes = new ArrayList<>();
    private final Plic plic = new Plic(level -> changes.add("M" + level), level -> changes.add("S" + level));

    private static final int M = 0;
    private static final int S = 1;

    private void priority(int id, int p) {
        plic.write(4L * id, 4, p);
    }

    private void enable(int context, int id) {
        long off = 0x2000 + 0x80L * context + 4L * (id / 32);
        plic.write(off, 4, plic.read(off, 4) | (1L << (id % 32)));
    }

    private void threshold(int context, int t) {
        plic.write(0x200000 + 0x1000L * context, 4, t);
    }

    private long claim(int context) {
        return plic.read(0x200004 + 0x1000L * context, 4);
    }

    private void complete(int context, int id) {
        plic.write(0x200004 + 0x1000L * context, 4, id);
    }

    @Test
    void aPendingEnabledSourceAboveTheThresholdInterruptsItsContextOnly() {
        InterruptLine uart = plic.source(10);
        priority(10, 1);
        uart.set(true);
        assertThat(plic.asserted(M)).as("not enabled yet").isFalse();
        assertThat(plic.read(0x1000, 4)).as("pending bit 10").isEqualTo(1L << 10);
        enable(M, 10);
        assertThat(plic.asserted(M)).isTrue();
        assertThat(plic.asserted(S)).isFalse();
        assertThat(changes).containsExactly("Mtrue");
        threshold(M, 1);
        assertThat(plic.asserted(M)).as("priority must exceed the threshold").isFalse();
        threshold(M, 0);
        assertThat(claim(M)).isEqualTo(10);
        assertThat(plic.asserted(M)).as("claimed").isFalse();
        assertThat(plic.read(0x1000, 4)).as("claiming clears pending").isZero();
        assertThat(claim(M)).as("nothing else").isZero();
        complete(M, 10);
        assertThat(plic.asserted(M)).as("input still high: pending again").isTrue();
        assertThat(claim(M)).isEqualTo(10);
        uart.set(false);
        complete(M, 10);
        assertThat(plic.asserted(M)).isFalse();
        assertThat(plic.read(0x1000, 4)).isZero();
    }

    @Test
    void theHighestPriorityWinsAndTheLowestIdBreaksTies() {
        for (int id : new int[] {3, 5, 7}) {
            priority(id, id == 7 ? 2 : 5);
            enable(S, id);
            plic.source(id).set(true);
        }
        assertThat(claim(S)).isEqualTo(3); // 3 and 5 have priority 5; 3 is lower
        assertThat(claim(S)).isEqualTo(5);
        assertThat(claim(S)).isEqualTo(7);
        assertThat(claim(S)).isZero();
        assertThat(plic.asserted(S)).isFalse();
    }

    @Test
    void priorityZeroNeverInterruptsAndWarlFieldsIgnoreOutOfRangeValues() {
        plic.source(1).set(true);
        enable(M, 1);
        assertThat(plic.asserted(M)).as("priority 0").isFalse();
        priority(1, 8);
        assertThat(plic.read(4, 4)).as("8 is above the 7 levels: ignored").isZero();
        priority(1, 7);
        threshold(M, 9);
        assertThat(plic.read(0x200000, 4)).isZero();
        assertThat(plic.asserted(M)).isTrue();
        priority(0, 5);
        assertThat(plic.read(0, 4)).as("source 0 does not exist").isZero();
        plic.write(0x2000, 4, -1L);
        assertThat(plic.read(0x2000, 4)).as("every enable bit is writable (source 0 never pends)")
                .isEqualTo(0xffff_ffffL);
        plic.write(0x1000, 4, -1L);
        assertThat(plic.read(0x1000, 4)).as("pending is read only").isEqualTo(2);
        assertThat(plic.read(4, 2)).as("only 32-bit accesses").isZero();
        plic.write(6, 4, 3);
        assertThat(plic.read(4, 4)).as("misaligned write ignored").isEqualTo(7);
        complete(M, 95);
        complete(M, 4000);
        assertThat(plic.read(0x3000, 4)).isZero();
        assertThatThrownBy(() -> plic.source(96)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> plic.source(0)).hasMessageContaining("out of range");
    }

    @Test
    void theStateRoundTripsAndDrivesTheOutputs() {
        priority(10, 3);
        enable(M, 10);
        enable(S, 11);
        threshold(S, 2);
        plic.source(10).set(true);
        plic.source(11).set(true);
        PlicState saved = plic.state();
        List<String> seen = new ArrayList<>();
        Plic restored = new Plic(level -> seen.add("M" + level), level -> seen.add("S" + level));
        restored.restore(saved);
        assertThat(restored.asserted(M)).isTrue();
        assertThat(seen).contains("Mtrue");
        assertThat(restored.read(0x1000, 4)).isEqualTo(plic.read(0x1000, 4));
        assertThat(restored.read(0x201000, 4)).isEqualTo(2);
        int[] badPriority = saved.priority();
        badPriority[3] = 9;
        assertThatThrownBy(() -> restored.restore(new PlicState(badPriority, saved.level(), saved.pending(),
                saved.claimed(), saved.enable(), saved.threshold()))).hasMessageContaining("priority 9");
    }
}
