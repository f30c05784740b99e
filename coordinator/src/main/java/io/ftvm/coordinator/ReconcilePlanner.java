package io.ftvm.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the cluster manager should do, given the live hosts and the VM records (pure; the manager applies the actions
 * by CAS). In one pass, in VM id order:
 * <ul>
 *   <li>a VM whose backup's host is not live, and has not been for the return grace, is made unprotected (the backup
 *       is dropped, which fences it if it still runs somewhere), on behalf of its primary. A host inside its grace
 *       (its ZooKeeper session expired a moment ago, say after an ensemble outage, while its backups kept replaying)
 *       keeps its backups: it re-registers as soon as it reconnects. A backup that is really gone is dropped by its
 *       primary anyway, as soon as the replication link says so;</li>
 *   <li>a VM whose backup is on a drained host ({@link DrainedHosts}) is made unprotected, so that its backup is
 *       placed elsewhere (the drained host hands over its primaries itself, by switchover, once they are protected
 *       on other hosts);</li>
 *   <li>a VM whose spec no longer wants protection (turned off or suspended) is made unprotected;</li>
 *   <li>a VM that wants protection and runs unprotected on a live primary gets a backup from {@link PlacementPolicy}
 *       on a live host that is neither drained nor avoided (a primary there was just taken over:
 *       {@link TakeoverVictims}),
 *       counting the memory of every primary and backup on live hosts, including the ones placed in this pass;</li>
 *   <li>a VM that needs a backup but cannot get one is listed with the reason.</li>
 * </ul>
 * A VM whose primary's host is gone is left alone: its in-sync backup takes over by itself (ft-backup), and an
 * unprotected or syncing one has no copy to move.
 */
public final class ReconcilePlanner {

    /** A VM as the manager sees it. */
    public record VmView(String vmId, VmSpec spec, VersionedState state) {
    }

    /** One CAS to make: {@code transition} on {@code expected}. */
    public record Action(VersionedState expected, Transition transition) {
    }

    /** The actions, and the VMs that need a backup but get none this time, with the reason, by VM id. */
    public record Plan(List<Action> actions, SortedMap<String, String> unplaced) {
        public Plan {
            actions = List.copyOf(actions);
            unplaced = new TreeMap<>(unplaced);
        }
    }

    private final PlacementPolicy policy;

    public ReconcilePlanner(PlacementPolicy policy) {
        this.policy = policy;
    }

    /** A plan with no host inside its return grace and none avoided. */
    public Plan plan(SortedMap<String, HostInfo> live, List<VmView> vms) {
        return plan(live, Set.of(), Set.of(), vms);
    }

    /**
     * @param returning hosts that are not live but left less than the return grace ago: their in-sync backups are kept
     * @param avoided   live hosts no new backup is placed on ({@link TakeoverVictims})
     */
    public Plan plan(SortedMap<String, HostInfo> live, Set<String> returning, Set<String> avoided, List<VmView> vms) {
        return plan(live, returning, avoided, Set.of(), vms);
    }

    /** @param drained hosts being drained: no backup is placed there, and the backups there are moved */
    public Plan plan(SortedMap<String, HostInfo> live, Set<String> returning, Set<String> avoided,
            Set<String> drained, List<VmView> vms) {
        SortedMap<String, HostInfo> placeable = new java.util.TreeMap<>(live);
        placeable.keySet().removeAll(avoided);
        placeable.keySet().removeAll(drained);
        List<VmView> ordered = new ArrayList<>(vms);
        ordered.sort(Comparator.comparing(VmView::vmId));
        Map<String, Long> used = new HashMap<>();
        for (VmView vm : ordered) {
            VmState s = vm.state().state();
            charge(used, live, s.primary(), vm.spec().memoryMib());
            charge(used, live, s.backup(), vm.spec().memoryMib());
        }
        List<Action> actions = new ArrayList<>();
        SortedMap<String, String> unplaced = new TreeMap<>();
        for (VmView vm : ordered) {
            VmState s = vm.state().state();
            if (s.status().hasBackup() && !live.containsKey(s.backup())) {
                if (returning.contains(s.backup()) && s.status() == VmStatus.PROTECTED) {
                    continue; // an in-sync pair: worth the wait (a syncing backup would start over anyway)
                }
                actions.add(new Action(vm.state(), new Transition.GoUnprotected(s.primary(),
                        "backup host " + s.backup() + " left the cluster")));
                continue;
            }
            if (s.status().hasBackup() && drained.contains(s.backup())) {
                actions.add(new Action(vm.state(), new Transition.GoUnprotected(s.primary(),
                        "backup host " + s.backup() + " is drained: the backup moves to another host")));
                continue;
            }
            if (s.status().hasBackup() && vm.spec().protection() != DesiredProtection.PROTECTED) {
                actions.add(new Action(vm.state(), new Transition.GoUnprotected(s.primary(),
                        vm.spec().protection() == DesiredProtection.NONE ? "fault tolerance turned off"
                                : "fault tolerance suspended")));
                continue;
            }
            if (vm.spec().protection() != DesiredProtection.PROTECTED || s.status() != VmStatus.UNPROTECTED) {
                continue;
            }
            if (!live.containsKey(s.primary())) {
                unplaced.put(vm.vmId(), "primary host " + s.primary() + " is not live");
                continue;
            }
            PlacementPolicy.Choice choice = policy.choose(vm.spec().memoryMib(), vm.spec().needsBridge(), s.primary(),
                    placeable, used);
            if (choice instanceof PlacementPolicy.Choice.Placed p) {
                actions.add(new Action(vm.state(), new Transition.AssignBackup(p.host())));
                used.merge(p.host(), vm.spec().memoryMib(), Long::sum);
            } else {
                String why = ((PlacementPolicy.Choice.NoFit) choice).reason();
                if (!drained.isEmpty()) {
                    why += " (not counting drained " + String.join(", ", new java.util.TreeSet<>(drained)) + ")";
                }
                unplaced.put(vm.vmId(), avoided.isEmpty() ? why : why + " (not counting "
                        + String.join(", ", new java.util.TreeSet<>(avoided)) // sorted: a stable message
                        + ": a primary there was just taken over)");
            }
        }
        return new Plan(actions, unplaced);
    }

    private static void charge(Map<String, Long> used, Map<String, HostInfo> live, String host, long mib) {
        if (host != null && live.containsKey(host)) {
            used.merge(host, mib, Long::sum);
        }
    }
}
