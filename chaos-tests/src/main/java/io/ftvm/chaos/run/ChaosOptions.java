package io.ftvm.chaos.run;

import io.ftvm.chaos.cluster.HostTimeouts;
import io.ftvm.chaos.cluster.NetworkMode;
import io.ftvm.chaos.nemesis.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a run goes.
 *
 * @param dir      where the run keeps its history, configs, data and logs
 * @param hosts    ftd hosts (at least 3: a primary, a backup and a spare for the VMs to move to)
 * @param vms      kvstore VMs, each with one worker and one observer
 * @param duration how long faults are injected
 * @param maxKills the faults end after this many ftd kills (whichever of this and {@code duration} comes first)
 * @param seed     the seed of every random choice (faults, targets, durations, commands)
 * @param faults   the fault kinds to choose from; empty: every kind the network allows
 * @param network  where the hosts live: namespaces (network faults possible) or loopback
 * @param timeouts the hosts' failure detection
 * @param recovery how long a VM may take to be protected again after a fault before it counts as unavailable
 */
public record ChaosOptions(Path dir, int hosts, int vms, Duration duration, int maxKills, long seed,
        List<FaultKind> faults, NetworkMode network, HostTimeouts timeouts, Duration recovery) {
    public static final String IMAGE = "kvstore";
    public static final long RAM_MIB = 32;

    public ChaosOptions {
        if (hosts < 3) {
            throw new IllegalArgumentException("--hosts " + hosts + ": at least 3 (a primary, a backup and a spare)");
        }
        if (vms < 1) {
            throw new IllegalArgumentException("--vms " + vms + ": at least 1");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration " + duration.toSeconds() + " s: at least 1 s");
        }
        if (maxKills < 0) {
            throw new IllegalArgumentException("--kills " + maxKills + ": 0 or more");
        }
        faults = List.copyOf(faults);
        java.util.Objects.requireNonNull(network, "network");
    }

    /** Every fault kind the network allows, namespaces where possible, default timeouts, 90 s recovery. */
    public static ChaosOptions of(Path dir, int hosts, int vms, Duration duration, int maxKills, long seed) {
        return new ChaosOptions(dir, hosts, vms, duration, maxKills, seed, List.of(), NetworkMode.AUTO,
                HostTimeouts.defaults(), Duration.ofSeconds(90));
    }

    /** These options with the run's directory {@code dir}. */
    public ChaosOptions in(Path dir) {
        return new ChaosOptions(dir, hosts, vms, duration, maxKills, seed, faults, network, timeouts, recovery);
    }

    /** The kinds to choose from on a network that can ({@code firewall}) or cannot inject network faults. */
    public List<FaultKind> faultsFor(boolean firewall) {
        if (!faults.isEmpty()) {
            return faults;
        }
        return firewall ? List.of(FaultKind.values()) : FaultKind.processLevel();
    }
}
