package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.cpu.PageTables.*;
import static io.ftvm.vmm.cpu.TestMachine.DATA;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A guest may keep using a stale translation until its next sfence.vma (Linux clears PTE accessed bits without a
 * flush): a hart restored from a snapshot must see the same stale entry as the original, not walk the new PTE.
 */
class SnapshotTlbTest {
    private static final long VA = 0x4000_1000L;
    private static final long RWAD = V | R | W | A | D;

    @Test
    void restoredHartKeepsStaleTlbEntriesUntilSfence() throws Exception {
        TestMachine m = new TestMachine();
        new PageTables(m).identityGigapage(0).map4k(VA, DATA, RWAD);
        m.poke(DATA, 8, 1).poke(DATA + 0x1000, 8, 2);
        m.program(ld(A0, A1, 0), ld(A2, A1, 0), sfenceVma(ZERO, ZERO), ld(A3, A1, 0))
                .privilege(Privilege.SUPERVISOR).set(A1, VA);
        m.run(1); // the TLB now maps VA to DATA
        m.poke(leafAddress(VA), 8, pte(DATA + 0x1000, RWAD)); // remapped, not flushed

        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        SnapshotFile.write(m.machine(), snap);
        Machine restored = SnapshotFile.read(new ByteArrayInputStream(snap.toByteArray()), OutputSink.DISCARD);

        m.run(3);
        restored.runUntil(restored.icount() + 3);
        assertThat(m.x(A2)).as("original: stale translation").isEqualTo(1);
        assertThat(restored.cpu().register(A2)).as("restored: the same stale translation").isEqualTo(1);
        assertThat(restored.cpu().register(A3)).as("after sfence.vma").isEqualTo(2);
        assertThat(restored.digest()).isEqualTo(m.machine().digest());
    }
}
