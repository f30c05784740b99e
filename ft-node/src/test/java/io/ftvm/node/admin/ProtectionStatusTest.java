package io.ftvm.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every reason code the runbook lists, from the record, the spec, the live hosts and the manager's verdict. */
class ProtectionStatusTest {
    private static final VmSpec ON = new VmSpec("kvstore", 64, List.of("console"), DesiredProtection.PROTECTED);
    private static final Set<String> LIVE = Set.of("h1", "h2", "h3");

    private static VmState state(VmStatus status, String primary, String backup, String reason) {
        return new VmState(7, status, primary, primary == null ? 0 : 5, backup, backup == null ? 0 : 6, reason);
    }

    @Test
    void protectedAndStartingNameTheBackup() {
        ProtectionStatus p = ProtectionStatus.of(ON, state(VmStatus.PROTECTED, "h1", "h2", ""), LIVE, null);
        assertThat(p).isEqualTo(new ProtectionStatus(true, "PROTECTED",
                "backup on h2 replays in lockstep since epoch 6"));
        assertThat(p.label()).isEqualTo("Protected");
        ProtectionStatus s = ProtectionStatus.of(ON, state(VmStatus.SYNCING, "h1", "h2", ""), LIVE, null);
        assertThat(s.code()).isEqualTo("STARTING");
        assertThat(s.label()).isEqualTo("Not Protected");
        assertThat(s.reason()).contains("h2");
    }

    @Test
    void anUnprotectedVmSaysWhy() {
        VmState alone = state(VmStatus.UNPROTECTED, "h1", null, "backup host h2 left the cluster");
        assertThat(ProtectionStatus.of(ON, alone, LIVE, null).code()).isEqualTo("NEED_SECONDARY");
        assertThat(ProtectionStatus.of(ON, alone, LIVE, null).reason()).contains("backup host h2 left the cluster");
        ProtectionStatus full = ProtectionStatus.of(ON, alone, LIVE, "no live host outside the primary's zone r1");
        assertThat(full.code()).isEqualTo("NO_CAPACITY");
        assertThat(full.reason()).contains("outside the primary's zone r1");
        ProtectionStatus lost = ProtectionStatus.of(ON, alone, Set.of("h2", "h3"), null);
        assertThat(lost.code()).isEqualTo("PRIMARY_LOST");
        assertThat(lost.reason()).contains("h1");
        VmSpec off = new VmSpec("kvstore", 64, List.of(), DesiredProtection.NONE);
        assertThat(ProtectionStatus.of(off, alone, LIVE, null).code()).isEqualTo("DISABLED");
        VmSpec suspended = new VmSpec("kvstore", 64, List.of(), DesiredProtection.SUSPENDED);
        assertThat(ProtectionStatus.of(suspended, alone, LIVE, "full").code()).as("suspension wins over capacity")
                .isEqualTo("SUSPENDED");
        assertThat(ProtectionStatus.of(ON, state(VmStatus.STOPPED, null, null, "guest powered off"), LIVE, null))
                .isEqualTo(new ProtectionStatus(false, "VM_NOT_RUNNING",
                        "the VM is not running (guest powered off)"));
    }

    @Test
    void aSyncingVmWhosePrimaryHostIsGoneIsLostNotStarting() {
        VmState syncing = state(VmStatus.SYNCING, "h1", "h2", "backup h2 assigned");
        ProtectionStatus lost = ProtectionStatus.of(ON, syncing, Set.of("h2", "h3"), null);
        assertThat(lost.code()).isEqualTo("PRIMARY_LOST");
        assertThat(lost.reason()).contains("h1").contains("the backup on h2 was still being synchronised")
                .contains("ftctl vm stop");
        assertThat(ProtectionStatus.of(ON, syncing, LIVE, null).code()).isEqualTo("STARTING");
        // a protected VM whose primary's host left is failing over to its backup: still PROTECTED until it has
        assertThat(ProtectionStatus.of(ON, state(VmStatus.PROTECTED, "h1", "h2", ""), Set.of("h2"), null).code())
                .isEqualTo("PROTECTED");
    }
}
