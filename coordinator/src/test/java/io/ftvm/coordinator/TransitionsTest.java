package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransitionsTest {
    private static final VmState STOPPED = VmState.initial();
    private static final VmState UNPROTECTED = new VmState(1, VmStatus.UNPROTECTED, "a", 1, null, 0, "");
    private static final VmState SYNCING = new VmState(2, VmStatus.SYNCING, "a", 1, "b", 2, "");
    private static final VmState PROTECTED = new VmState(3, VmStatus.PROTECTED, "a", 1, "b", 2, "");

    @Test
    void fullLifecycleIncrementsTheEpochByOneEachStep() {
        VmState s = Transitions.apply(STOPPED, new Transition.Start("a"));
        assertThat(s).isEqualTo(new VmState(1, VmStatus.UNPROTECTED, "a", 1, null, 0, "started on a"));
        s = Transitions.apply(s, new Transition.AssignBackup("b"));
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.status()).isEqualTo(VmStatus.SYNCING);
        assertThat(s.backup()).isEqualTo("b");
        assertThat(s.backupSince()).isEqualTo(2);
        s = Transitions.apply(s, new Transition.BackupInSync("b"));
        assertThat(s.epoch()).isEqualTo(3);
        assertThat(s.status()).isEqualTo(VmStatus.PROTECTED);
        s = Transitions.apply(s, new Transition.TakeOver("b"));
        assertThat(s).isEqualTo(new VmState(4, VmStatus.UNPROTECTED, "b", 4, null, 0, "b took over from a"));
        s = Transitions.apply(s, new Transition.Stop("operator"));
        assertThat(s).isEqualTo(new VmState(5, VmStatus.STOPPED, null, 0, null, 0, "operator"));
    }

    @Test
    void goUnprotectedDropsTheBackupFromSyncingOrProtected() {
        for (VmState from : new VmState[] {SYNCING, PROTECTED}) {
            VmState s = Transitions.apply(from, new Transition.GoUnprotected("a", "backup silent"));
            assertThat(s).isEqualTo(new VmState(from.epoch() + 1, VmStatus.UNPROTECTED, "a", 1, null, 0, "backup silent"));
        }
        assertThat(Transitions.apply(PROTECTED, new Transition.GoUnprotected("a", "")).reason())
                .isEqualTo("backup b dropped");
    }

    @Test
    void stopFromEveryRunningStatus() {
        for (VmState from : new VmState[] {UNPROTECTED, SYNCING, PROTECTED}) {
            assertThat(Transitions.apply(from, new Transition.Stop("")).status()).isEqualTo(VmStatus.STOPPED);
        }
    }

    @Test
    void onlyTheInSyncBackupCanTakeOver() {
        assertRefused(SYNCING, new Transition.TakeOver("b"), "only an in-sync backup");
        assertRefused(UNPROTECTED, new Transition.TakeOver("b"), "only an in-sync backup");
        assertRefused(PROTECTED, new Transition.TakeOver("c"), "c is not the backup");
        assertRefused(PROTECTED, new Transition.TakeOver("a"), "a is not the backup");
    }

    @Test
    void refusals() {
        assertRefused(UNPROTECTED, new Transition.Start("a"), "running");
        assertRefused(STOPPED, new Transition.AssignBackup("b"), "only an unprotected VM");
        assertRefused(SYNCING, new Transition.AssignBackup("c"), "only an unprotected VM");
        assertRefused(UNPROTECTED, new Transition.AssignBackup("a"), "primary's host");
        assertRefused(UNPROTECTED, new Transition.BackupInSync("b"), "no backup is syncing");
        assertRefused(SYNCING, new Transition.BackupInSync("c"), "not the assigned backup");
        assertRefused(PROTECTED, new Transition.BackupInSync("b"), "no backup is syncing");
        assertRefused(UNPROTECTED, new Transition.GoUnprotected("a", ""), "no backup to drop");
        assertRefused(PROTECTED, new Transition.GoUnprotected("b", ""), "b is not the primary");
        assertRefused(STOPPED, new Transition.Stop(""), "not running");
    }

    @Test
    void refusalCarriesTheCurrentState() {
        assertThatThrownBy(() -> Transitions.apply(PROTECTED, new Transition.TakeOver("c")))
                .isInstanceOfSatisfying(IllegalTransitionException.class,
                        e -> assertThat(e.current()).isEqualTo(PROTECTED));
    }

    @Test
    void stateInvariants() {
        assertThatThrownBy(() -> new VmState(1, VmStatus.UNPROTECTED, null, 0, null, 0, ""))
                .hasMessageContaining("needs a primary");
        assertThatThrownBy(() -> new VmState(2, VmStatus.PROTECTED, "a", 1, "a", 2, ""))
                .hasMessageContaining("same host");
        assertThatThrownBy(() -> new VmState(1, VmStatus.STOPPED, "a", 1, null, 0, ""))
                .hasMessageContaining("must not have a primary");
        assertThatThrownBy(() -> new VmState(-1, VmStatus.STOPPED, null, 0, null, 0, ""))
                .hasMessageContaining("epoch");
        assertThatThrownBy(() -> new VmState(1, VmStatus.UNPROTECTED, "a/b", 1, null, 0, ""))
                .hasMessageContaining("not valid");
        assertThatThrownBy(() -> new VmState(3, VmStatus.UNPROTECTED, "a", 4, null, 0, ""))
                .hasMessageContaining("primarySince must be in 1..3");
        assertThatThrownBy(() -> new VmState(3, VmStatus.SYNCING, "a", 2, "b", 2, ""))
                .hasMessageContaining("backupSince 2 must be after primarySince 2");
        assertThatThrownBy(() -> new VmState(3, VmStatus.UNPROTECTED, "a", 2, null, 1, ""))
                .hasMessageContaining("backupSince must be 0");
    }

    private static void assertRefused(VmState from, Transition t, String why) {
        assertThatThrownBy(() -> Transitions.apply(from, t))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining(why);
    }

    @Test
    void aPlannedTakeOverSaysSoInTheRecord() {
        VmState planned = Transitions.apply(PROTECTED, new Transition.TakeOver("b", true));
        assertThat(planned.primary()).isEqualTo("b");
        assertThat(planned.status()).isEqualTo(VmStatus.UNPROTECTED);
        assertThat(planned.reason()).isEqualTo("b took over from a (planned switchover)");
        assertThat(Transitions.isSwitchover(planned)).isTrue();
        VmState crash = Transitions.apply(PROTECTED, new Transition.TakeOver("b"));
        assertThat(Transitions.isSwitchover(crash)).isFalse();
        // the next change is not a switchover, whatever its reason says
        VmState next = Transitions.apply(planned, new Transition.AssignBackup("a"));
        assertThat(Transitions.isSwitchover(next)).isFalse();
        assertRefused(SYNCING, new Transition.TakeOver("b", true), "only an in-sync backup");
    }
}
