package io.ftvm.coordinator;

import static io.ftvm.coordinator.FencingWatch.Verdict.ADVANCED;
import static io.ftvm.coordinator.FencingWatch.Verdict.CURRENT;
import static io.ftvm.coordinator.FencingWatch.Verdict.FENCED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FencingVerdictTest {
    // a primary since 1, b backup since 4, in sync at 5
    private static final VmState PROT5 = new VmState(5, VmStatus.PROTECTED, "a", 1, "b", 4, "");

    private static FencingWatch.Verdict primaryA(VmState s) {
        return FencingWatch.evaluate("a", Role.PRIMARY, 1, 5, s);
    }

    private static FencingWatch.Verdict backupB(VmState s) {
        return FencingWatch.evaluate("b", Role.BACKUP, 4, 5, s);
    }

    @Test
    void primary() {
        assertThat(primaryA(PROT5)).isEqualTo(CURRENT);
        // the manager dropped the backup: still primary, epoch follows
        assertThat(primaryA(new VmState(6, VmStatus.UNPROTECTED, "a", 1, null, 0, ""))).isEqualTo(ADVANCED);
        assertThat(primaryA(new VmState(7, VmStatus.SYNCING, "a", 1, "c", 7, ""))).isEqualTo(ADVANCED);
        // the backup took over
        assertThat(primaryA(new VmState(6, VmStatus.UNPROTECTED, "b", 6, null, 0, ""))).isEqualTo(FENCED);
        assertThat(primaryA(new VmState(6, VmStatus.STOPPED, null, 0, null, 0, ""))).isEqualTo(FENCED);
        // fenced, then primary again later (took over back from b): a new tenure, this instance stays fenced even
        // if it missed every change in between
        assertThat(primaryA(new VmState(9, VmStatus.UNPROTECTED, "a", 9, null, 0, ""))).isEqualTo(FENCED);
    }

    @Test
    void backup() {
        assertThat(backupB(PROT5)).isEqualTo(CURRENT);
        assertThat(backupB(new VmState(6, VmStatus.UNPROTECTED, "a", 1, null, 0, ""))).isEqualTo(FENCED);
        // a backup that took over is no longer the backup (the new primary instance watches as PRIMARY)
        assertThat(backupB(new VmState(6, VmStatus.UNPROTECTED, "b", 6, null, 0, ""))).isEqualTo(FENCED);
        // dropped and assigned again: a new tenure
        assertThat(backupB(new VmState(9, VmStatus.SYNCING, "a", 1, "b", 9, ""))).isEqualTo(FENCED);
        // its own "in sync" from a syncing tenure
        assertThat(FencingWatch.evaluate("b", Role.BACKUP, 4, 4, PROT5)).isEqualTo(ADVANCED);
    }

    @Test
    void olderEpochOrAnotherHolderIsFenced() {
        assertThat(FencingWatch.evaluate("a", Role.PRIMARY, 1, 7, PROT5)).isEqualTo(FENCED);
        assertThat(FencingWatch.evaluate("c", Role.BACKUP, 4, 5, PROT5)).isEqualTo(FENCED);
    }
}
