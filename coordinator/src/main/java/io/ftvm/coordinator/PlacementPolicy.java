package io.ftvm.coordinator;

import java.util.Map;
import java.util.SortedMap;

/**
 * Chooses the host for a VM's backup (pure): a live host that is not the primary's and not in the primary's zone
 * (anti-affinity: a host, or a failure domain that hosts declare with {@code zone}), and has the VM's memory free
 * (capacity minus the memory of the primaries and backups it already holds). Among those it takes the one with the
 * most free memory, ties broken by the smallest host id, so the same inputs always give the same answer and backups
 * spread out. When nothing fits it says why.
 */
public final class PlacementPolicy {

    /** The outcome for one VM. */
    public sealed interface Choice {
        /** Place the backup on {@code host}. */
        record Placed(String host) implements Choice {
        }

        /** No host fits; {@code reason} says why, for the operator. */
        record NoFit(String reason) implements Choice {
        }
    }

    /**
     * @param memoryMib the VM's memory
     * @param primary   the primary's host, never chosen (nor any host in its zone, when it is live and has one)
     * @param live      live hosts by id
     * @param usedMib   memory already used per host id (missing = 0)
     */
    public Choice choose(long memoryMib, String primary, SortedMap<String, HostInfo> live, Map<String, Long> usedMib) {
        return choose(memoryMib, false, primary, live, usedMib);
    }

    /**
     * As above; {@code needsBridge}: the VM's NIC is on a bridge, so only hosts that offer one count.
     */
    public Choice choose(long memoryMib, boolean needsBridge, String primary, SortedMap<String, HostInfo> live,
            Map<String, Long> usedMib) {
        String best = null;
        long bestFree = Long.MIN_VALUE;
        String roomiest = null;
        long roomiestFree = Long.MIN_VALUE;
        int candidates = 0;
        int sameZone = 0;
        int noBridge = 0;
        HostInfo primaryHost = live.get(primary);
        for (HostInfo h : live.values()) { // sorted by id: the first of equals wins
            if (h.hostId().equals(primary)) {
                continue;
            }
            if (h.sharesZoneWith(primaryHost)) {
                sameZone++;
                continue;
            }
            if (needsBridge && !h.bridge()) {
                noBridge++;
                continue;
            }
            candidates++;
            long free = h.capacityMib() - usedMib.getOrDefault(h.hostId(), 0L);
            if (free > roomiestFree) {
                roomiest = h.hostId();
                roomiestFree = free;
            }
            if (free >= memoryMib && free > bestFree) {
                best = h.hostId();
                bestFree = free;
            }
        }
        if (best != null) {
            return new Choice.Placed(best);
        }
        if (candidates == 0 && noBridge > 0) {
            return new Choice.NoFit("no live host outside the primary" + (sameZone == 0 ? "" : "'s zone")
                    + " offers a bridge for the VM's NIC (" + noBridge + " without one: set bridge in their ftd.yaml)");
        }
        if (candidates == 0) {
            return new Choice.NoFit(sameZone == 0 ? "no live host other than the primary " + primary
                    : "no live host outside the primary's zone " + primaryHost.zone() + " (" + sameZone
                            + " other host" + (sameZone == 1 ? "" : "s") + " in it)");
        }
        return new Choice.NoFit("no live host has " + memoryMib + " MiB free (" + candidates
                + " candidates; most free: " + roomiest + " with " + Math.max(0, roomiestFree) + " MiB"
                + (sameZone == 0 ? "" : "; " + sameZone + " in the primary's zone " + primaryHost.zone()
                        + " not counted") + ")");
    }
}
