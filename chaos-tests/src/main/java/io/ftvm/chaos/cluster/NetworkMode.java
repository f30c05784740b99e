package io.ftvm.chaos.cluster;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/** Which {@link Topology} a run uses: {@code --network auto|netns|loopback}. */
public enum NetworkMode {
    /** Network namespaces where this machine allows them (root, iproute2, iptables), loopback otherwise. */
    AUTO,
    /** Network namespaces, or the run fails saying why they cannot be used. */
    NETNS,
    /** Everything on loopback: no partitions or packet loss. */
    LOOPBACK;

    /** {@code auto}, {@code netns} or {@code loopback}; anything else is refused with the choices named. */
    public static NetworkMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network '" + text + "' (auto, netns or loopback)");
        }
    }

    /**
     * Builds the topology for {@code hosts} hosts; says on {@code progress} which one and, when {@link #AUTO} falls
     * back to loopback, why.
     *
     * @throws NetworkSetupException in {@link #NETNS} mode when namespaces cannot be used or built
     */
    public Topology open(int hosts, long seed, Consumer<String> progress) {
        if (this == LOOPBACK) {
            progress.accept("network: loopback (--network loopback): no partitions or packet loss");
            return new LoopbackTopology();
        }
        Optional<String> why = NamespaceNetwork.unavailableBecause();
        if (why.isPresent()) {
            if (this == NETNS) {
                throw new NetworkSetupException("--network netns: " + why.get());
            }
            progress.accept("network: loopback, because network namespaces cannot be used here: " + why.get()
                    + "; partitions and packet loss are not injected, the process-level faults are");
            return new LoopbackTopology();
        }
        try {
            return NamespaceNetwork.open(hosts, seed, progress);
        } catch (NetworkSetupException e) {
            if (this == NETNS) {
                throw e;
            }
            progress.accept("network: loopback, because the namespace network could not be built: " + e.getMessage()
                    + "; partitions and packet loss are not injected, the process-level faults are");
            return new LoopbackTopology();
        }
    }
}
