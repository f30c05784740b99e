package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OwnWriteRecognitionTest {
    private static final VmState PROT = new VmState(5, VmStatus.PROTECTED, "a", 1, "b", 3, "");

    @Test
    void takeoverIsRecognisedWhileTheNewTenureLasts() {
        VmState mine = Transitions.apply(PROT, new Transition.TakeOver("b"));
        assertThat(VmRecords.recognisesOwnWrite(mine, mine)).isTrue();
        VmState later = Transitions.apply(mine, new Transition.AssignBackup("c"));
        assertThat(VmRecords.recognisesOwnWrite(mine, later)).isTrue();
        VmState fencedLater = Transitions.apply(Transitions.apply(later, new Transition.BackupInSync("c")),
                new Transition.TakeOver("c"));
        assertThat(VmRecords.recognisesOwnWrite(mine, fencedLater)).isFalse();
    }

    @Test
    void aRivalsWriteIsNotOurs() {
        VmState mine = Transitions.apply(PROT, new Transition.TakeOver("b"));
        VmState rival = Transitions.apply(PROT, new Transition.GoUnprotected("a", "x"));
        assertThat(VmRecords.recognisesOwnWrite(mine, rival)).isFalse();
        VmState rivalLater = Transitions.apply(rival, new Transition.AssignBackup("b"));
        // b again as backup, but since epoch 7, not the primary tenure from epoch 6
        assertThat(VmRecords.recognisesOwnWrite(mine, rivalLater)).isFalse();
    }

    @Test
    void assignBackupIsRecognisedByItsTenure() {
        VmState unprot = new VmState(4, VmStatus.UNPROTECTED, "a", 1, null, 0, "");
        VmState mine = Transitions.apply(unprot, new Transition.AssignBackup("b"));
        VmState later = Transitions.apply(mine, new Transition.BackupInSync("b"));
        assertThat(VmRecords.recognisesOwnWrite(mine, later)).isTrue();
        VmState rival = Transitions.apply(unprot, new Transition.AssignBackup("c"));
        assertThat(VmRecords.recognisesOwnWrite(mine, rival)).isFalse();
    }
}
