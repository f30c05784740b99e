package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {
    private final PlacementPolicy policy = new PlacementPolicy();

    static SortedMap<String, HostInfo> hosts(Object... idAndCapacity) {
        SortedMap<String, HostInfo> m = new TreeMap<>();
        for (int i = 0; i < idAndCapacity.length; i += 2) {
            String id = (String) idAndCapacity[i];
            m.put(id, new HostInfo(id, id + ":7400", ((Number) idAndCapacity[i + 1]).longValue(), "t"));
        }
        return m;
    }

    @Test
    void aVmWithABridgedNicGoesOnlyToHostsWithABridge() {
        SortedMap<String, HostInfo> h = new TreeMap<>();
        h.put("a", new HostInfo("a", "a:1", 1000, "t", null, null, true, true));
        h.put("b", new HostInfo("b", "b:1", 9000, "t", null, null, true, false)); // roomiest, but no bridge
        h.put("c", new HostInfo("c", "c:1", 1000, "t", null, null, true, true));
        assertThat(policy.choose(100, true, "a", h, Map.of())).isEqualTo(new PlacementPolicy.Choice.Placed("c"));
        assertThat(policy.choose(100, false, "a", h, Map.of())).isEqualTo(new PlacementPolicy.Choice.Placed("b"));
        h.remove("c");
        assertThat(policy.choose(100, true, "a", h, Map.of())).isInstanceOfSatisfying(
                PlacementPolicy.Choice.NoFit.class, n -> assertThat(n.reason())
                        .contains("offers a bridge for the VM's NIC (1 without one"));
    }

    @Test
    void neverThePrimarysHost() {
        assertThat(policy.choose(100, "a", hosts("a", 10_000, "b", 200), Map.of()))
                .isEqualTo(new PlacementPolicy.Choice.Placed("b"));
    }

    @Test
    void mostFreeMemoryWinsTiesGoToTheSmallestId() {
        SortedMap<String, HostInfo> h = hosts("a", 1000, "b", 1000, "c", 1000, "d", 1000);
        assertThat(policy.choose(100, "a", h, Map.of("b", 500L))).isEqualTo(new PlacementPolicy.Choice.Placed("c"));
        assertThat(policy.choose(100, "a", h, Map.of())).isEqualTo(new PlacementPolicy.Choice.Placed("b"));
        assertThat(policy.choose(100, "a", h, Map.of("b", 1L, "c", 1L))).isEqualTo(new PlacementPolicy.Choice.Placed("d"));
    }

    @Test
    void respectsCapacityExactly() {
        SortedMap<String, HostInfo> h = hosts("a", 1000, "b", 1000);
        assertThat(policy.choose(500, "a", h, Map.of("b", 500L))).isEqualTo(new PlacementPolicy.Choice.Placed("b"));
        assertThat(policy.choose(501, "a", h, Map.of("b", 500L)))
                .isEqualTo(new PlacementPolicy.Choice.NoFit(
                        "no live host has 501 MiB free (1 candidates; most free: b with 500 MiB)"));
    }

    @Test
    void saysWhyNothingFits() {
        assertThat(policy.choose(1, "a", hosts("a", 1000), Map.of()))
                .isEqualTo(new PlacementPolicy.Choice.NoFit("no live host other than the primary a"));
        assertThat(policy.choose(1, "a", hosts(), Map.of()))
                .isEqualTo(new PlacementPolicy.Choice.NoFit("no live host other than the primary a"));
        assertThat(policy.choose(10, "a", hosts("a", 10, "b", 5, "c", 0), Map.of("c", 3L)))
                .isEqualTo(new PlacementPolicy.Choice.NoFit(
                        "no live host has 10 MiB free (2 candidates; most free: b with 5 MiB)"));
    }

    static SortedMap<String, HostInfo> zoned(String... idAndZone) {
        SortedMap<String, HostInfo> m = new TreeMap<>();
        for (int i = 0; i < idAndZone.length; i += 2) {
            String id = idAndZone[i];
            m.put(id, new HostInfo(id, id + ":7400", 1000, "t", null, idAndZone[i + 1]));
        }
        return m;
    }

    @Test
    void neverInThePrimarysZone() {
        // b has the most free memory but shares rack-1 with the primary a: c (rack-2) is chosen
        SortedMap<String, HostInfo> h = zoned("a", "rack-1", "b", "rack-1", "c", "rack-2");
        assertThat(policy.choose(100, "a", h, Map.of("c", 500L))).isEqualTo(new PlacementPolicy.Choice.Placed("c"));
        // hosts without a zone are each their own failure domain
        SortedMap<String, HostInfo> mixed = zoned("a", "rack-1", "b", "rack-1");
        mixed.put("d", new HostInfo("d", "d:7400", 1000, "t"));
        assertThat(policy.choose(100, "a", mixed, Map.of())).isEqualTo(new PlacementPolicy.Choice.Placed("d"));
        // a primary without a zone only excludes its own host
        assertThat(policy.choose(100, "d", mixed, Map.of("a", 10L))).isEqualTo(new PlacementPolicy.Choice.Placed("b"));
    }

    @Test
    void saysWhenOnlyThePrimarysZoneIsLeft() {
        assertThat(policy.choose(100, "a", zoned("a", "rack-1", "b", "rack-1", "c", "rack-1"), Map.of()))
                .isEqualTo(new PlacementPolicy.Choice.NoFit(
                        "no live host outside the primary's zone rack-1 (2 other hosts in it)"));
        assertThat(policy.choose(100, "a", zoned("a", "rack-1", "b", "rack-1", "c", "rack-2"), Map.of("c", 950L)))
                .isEqualTo(new PlacementPolicy.Choice.NoFit("no live host has 100 MiB free (1 candidates; most free:"
                        + " c with 50 MiB; 1 in the primary's zone rack-1 not counted)"));
    }

    @Test
    void aZoneIsAValidName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HostInfo("a", "a:1", 1, "t", null, "rack 1"))
                .hasMessageContaining("zone of host 'a'").hasMessageContaining("rack 1");
    }
}
