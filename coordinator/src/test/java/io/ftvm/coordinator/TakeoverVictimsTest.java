package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TakeoverVictimsTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final TakeoverVictims victims = new TakeoverVictims(Duration.ofSeconds(6), now::get);

    private static VmState protectedOn(long epoch, String primary, String backup) {
        return new VmState(epoch, VmStatus.PROTECTED, primary, 1, backup, 2, "");
    }

    @Test
    void theFormerPrimaryOfATakeoverIsAvoidedForTheWindow() {
        victims.observe("vm", protectedOn(3, "a", "b"));
        assertThat(victims.avoided()).isEmpty();
        // seen only after the manager assigned the next backup: still a takeover of a's primary
        victims.observe("vm", new VmState(5, VmStatus.SYNCING, "b", 4, "c", 5, "b took over"));
        assertThat(victims.avoided()).containsExactly("a");
        assertThat(victims.nanosToNextExpiry()).isEqualTo(6_000_000_000L);
        now.addAndGet(5_999_999_999L);
        assertThat(victims.avoided()).containsExactly("a");
        now.addAndGet(1);
        assertThat(victims.avoided()).isEmpty();
        assertThat(victims.nanosToNextExpiry()).isEqualTo(-1);
    }

    @Test
    void theOldPrimaryOfASwitchoverIsNotAvoided() {
        victims.observe("vm", protectedOn(3, "a", "b"));
        victims.observe("vm", Transitions.apply(protectedOn(3, "a", "b"), new Transition.TakeOver("b", true)));
        assertThat(victims.avoided()).isEmpty();
        victims.observe("vm", protectedOn(7, "b", "c"));
        victims.observe("vm", Transitions.apply(protectedOn(7, "b", "c"), new Transition.TakeOver("c")));
        assertThat(victims.avoided()).containsExactly("b");
    }

    @Test
    void aHostWhoseBackupFailedIsAvoidedForTheLongerWindow() {
        VmState pair = new VmState(3, VmStatus.SYNCING, "a", 1, "b", 3, "");
        victims.observe("vm", pair);
        VmState failed = Transitions.apply(pair, new Transition.GoUnprotected("a",
                Transitions.backupFailed("the backup on b could not start: read-only file system")));
        assertThat(Transitions.isBackupFailure(failed)).isTrue();
        victims.observe("vm", failed);
        assertThat(victims.avoided()).containsExactly("b");
        assertThat(victims.nanosToNextExpiry()).isEqualTo(TakeoverVictims.FAILED_BACKUP_WINDOW_NANOS);
        now.addAndGet(TakeoverVictims.FAILED_BACKUP_WINDOW_NANOS - 1);
        assertThat(victims.avoided()).containsExactly("b");
        now.addAndGet(1);
        assertThat(victims.avoided()).isEmpty();
        // a backup dropped for another reason (the primary gave up on it) avoids nobody
        victims.observe("vm", new VmState(9, VmStatus.SYNCING, "a", 1, "c", 9, ""));
        victims.observe("vm", Transitions.apply(new VmState(9, VmStatus.SYNCING, "a", 1, "c", 9, ""),
                new Transition.GoUnprotected("a", "backup c silent")));
        assertThat(victims.avoided()).isEmpty();
    }

    @Test
    void otherChangesAvoidNobody() {
        victims.observe("vm", protectedOn(3, "a", "b"));
        victims.observe("vm", new VmState(4, VmStatus.UNPROTECTED, "a", 1, null, 0, "backup lost")); // backup dropped
        victims.observe("vm", new VmState(5, VmStatus.SYNCING, "a", 1, "c", 5, ""));
        victims.observe("vm", protectedOn(6, "a", "c"));
        victims.observe("vm", protectedOn(6, "c", "a")); // not newer: ignored
        victims.observe("other", protectedOn(9, "x", "y")); // first sight
        assertThat(victims.avoided()).isEmpty();
    }

    @Test
    void forgottenVmsAreNotComparedAgain() {
        victims.observe("vm", protectedOn(3, "a", "b"));
        victims.retain(Set.of());
        victims.observe("vm", protectedOn(10, "b", "c")); // a new record of the same name: no history
        assertThat(victims.avoided()).isEmpty();
    }
}
