package io.ftvm.coordinator;

import static io.ftvm.coordinator.PlacementPolicyTest.hosts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class ReconcilePlannerTest {
    private final ReconcilePlanner planner = new ReconcilePlanner(new PlacementPolicy());

    private static ReconcilePlanner.VmView vm(String id, long mib, DesiredProtection p, VmState s) {
        return new ReconcilePlanner.VmView(id, new VmSpec("img", mib, List.of(), p), new VersionedState(id, s, 3));
    }

    private static VmState unprotected(String primary) {
        return new VmState(1, VmStatus.UNPROTECTED, primary, 1, null, 0, "");
    }

    @Test
    void placesBackupsCountingWhatItPlacesInThePass() {
        SortedMap<String, HostInfo> live = hosts("a", 1000, "b", 1000, "c", 1000);
        List<ReconcilePlanner.VmView> vms = List.of(
                vm("vm1", 400, DesiredProtection.PROTECTED, unprotected("a")),
                vm("vm2", 400, DesiredProtection.PROTECTED, unprotected("a")),
                vm("vm3", 400, DesiredProtection.PROTECTED, unprotected("a")));
        ReconcilePlanner.Plan plan = planner.plan(live, vms);
        // a holds 1200 (over capacity as primary: its own business); b and c get one backup each, then b again? no:
        // after vm1->b and vm2->c, both have 600 free, vm3 -> b (tie, smallest id); then nothing for more.
        assertThat(plan.actions()).extracting(a -> a.expected().vmId() + "->" + a.transition())
                .containsExactly("vm1->assign backup b", "vm2->assign backup c", "vm3->assign backup b");
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void reportsWhatDoesNotFitAndLeavesOthersAlone() {
        SortedMap<String, HostInfo> live = hosts("a", 1000, "b", 500);
        List<ReconcilePlanner.VmView> vms = new ArrayList<>(List.of(
                vm("big", 600, DesiredProtection.PROTECTED, unprotected("a")),
                vm("alone", 10, DesiredProtection.NONE, unprotected("a")),
                vm("orphan", 10, DesiredProtection.PROTECTED, unprotected("gone")),
                vm("off", 10, DesiredProtection.PROTECTED, VmState.initial()),
                vm("fine", 10, DesiredProtection.PROTECTED, new VmState(4, VmStatus.PROTECTED, "a", 1, "b", 3, ""))));
        ReconcilePlanner.Plan plan = planner.plan(live, vms);
        assertThat(plan.actions()).isEmpty();
        assertThat(plan.unplaced()).isEqualTo(Map.of(
                "big", "no live host has 600 MiB free (1 candidates; most free: b with 490 MiB)",
                "orphan", "primary host gone is not live"));
    }

    @Test
    void dropsBackupsOnDeadHostsAndLeavesDeadPrimariesToTheirBackups() {
        SortedMap<String, HostInfo> live = hosts("a", 1000, "c", 1000);
        ReconcilePlanner.Plan plan = planner.plan(live, List.of(
                vm("vm1", 10, DesiredProtection.PROTECTED, new VmState(5, VmStatus.PROTECTED, "a", 1, "b", 4, "")),
                vm("vm2", 10, DesiredProtection.PROTECTED, new VmState(6, VmStatus.SYNCING, "a", 1, "b", 6, "")),
                vm("vm3", 10, DesiredProtection.PROTECTED, new VmState(7, VmStatus.PROTECTED, "b", 2, "c", 5, ""))));
        assertThat(plan.actions()).hasSize(2);
        assertThat(plan.actions().get(0).transition())
                .isEqualTo(new Transition.GoUnprotected("a", "backup host b left the cluster"));
        assertThat(plan.actions().get(0).expected().vmId()).isEqualTo("vm1");
        assertThat(plan.actions().get(1).expected().vmId()).isEqualTo("vm2");
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void keepsTheInSyncBackupsOfAHostInsideItsReturnGraceAndDoesNotPlaceOnIt() {
        SortedMap<String, HostInfo> live = hosts("a", 1000, "c", 1000);
        ReconcilePlanner.Plan plan = planner.plan(live, java.util.Set.of("b"), java.util.Set.of(), List.of(
                vm("vm1", 10, DesiredProtection.PROTECTED, new VmState(5, VmStatus.PROTECTED, "a", 1, "b", 4, "")),
                vm("vm2", 10, DesiredProtection.PROTECTED, new VmState(6, VmStatus.PROTECTED, "a", 1, "d", 6, "")),
                vm("vm3", 10, DesiredProtection.PROTECTED, unprotected("a")),
                vm("vm4", 10, DesiredProtection.PROTECTED, new VmState(6, VmStatus.SYNCING, "a", 1, "b", 6, ""))));
        // vm1 keeps b; vm2's backup host d is gone past its grace; vm3 gets c, never the absent b; vm4's syncing
        // backup on b would start over anyway: dropped at once
        assertThat(plan.actions()).extracting(a -> a.expected().vmId() + "->" + a.transition())
                .containsExactly("vm2->" + new Transition.GoUnprotected("a", "backup host d left the cluster"),
                        "vm3->assign backup c",
                        "vm4->" + new Transition.GoUnprotected("a", "backup host b left the cluster"));
    }

    @Test
    void noBackupIsPlacedOnAnAvoidedHostAndTheReasonSaysSo() {
        SortedMap<String, HostInfo> live = hosts("a", 1000, "b", 1000, "c", 1000);
        ReconcilePlanner.Plan plan = planner.plan(live, java.util.Set.of(), java.util.Set.of("b"), List.of(
                vm("vm1", 10, DesiredProtection.PROTECTED, unprotected("a"))));
        assertThat(plan.actions()).extracting(a -> a.transition().toString()).containsExactly("assign backup c");
        ReconcilePlanner.Plan none = planner.plan(live, java.util.Set.of(), java.util.Set.of("b", "c"), List.of(
                vm("vm1", 10, DesiredProtection.PROTECTED, unprotected("a"))));
        assertThat(none.actions()).isEmpty();
        assertThat(none.unplaced().get("vm1")).contains("not counting b, c: a primary there was just taken over");
    }

    @Test
    void dropsTheBackupOfAVmWhoseFaultToleranceIsTurnedOffOrSuspended() {
        SortedMap<String, HostInfo> live = hosts("a", 1000, "b", 1000, "c", 1000);
        ReconcilePlanner.Plan plan = planner.plan(live, List.of(
                vm("off", 10, DesiredProtection.NONE, new VmState(5, VmStatus.PROTECTED, "a", 1, "b", 4, "")),
                vm("paused", 10, DesiredProtection.SUSPENDED, new VmState(6, VmStatus.SYNCING, "a", 1, "b", 6, "")),
                vm("waiting", 10, DesiredProtection.SUSPENDED, unprotected("a"))));
        assertThat(plan.actions()).extracting(a -> a.expected().vmId() + "->" + a.transition() + ": "
                + ((Transition.GoUnprotected) a.transition()).reason())
                .containsExactly("off->go unprotected on a: fault tolerance turned off",
                        "paused->go unprotected on a: fault tolerance suspended");
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void deterministic() {
        SortedMap<String, HostInfo> live = hosts("a", 5000, "b", 5000, "c", 5000, "d", 5000);
        List<ReconcilePlanner.VmView> vms = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            vms.add(vm("vm" + i, 100 + i, DesiredProtection.PROTECTED, unprotected(String.valueOf((char) ('a' + i % 4)))));
        }
        ReconcilePlanner.Plan first = planner.plan(live, vms);
        java.util.Collections.shuffle(vms, new java.util.Random(1));
        assertThat(planner.plan(live, vms)).isEqualTo(first);
        assertThat(first.actions()).hasSize(40);
    }
}
