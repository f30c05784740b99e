package io.ftvm.chaos.run;

import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryReader;
import io.ftvm.chaos.nemesis.FaultKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a kept run's history says of its faults, for {@code chaos-tests/run --check}: the faults per kind, the
 * client-seen takeover times, the network and how long the run went, so a run whose harness died (or is still going)
 * gets the same summary as one that finished. A fault that kills the ZooKeeper leader and a primary at once writes
 * two {@code fault} lines; it is counted once (by its primary). A run a signal ended early says so (the exit code is
 * not kept: 0).
 */
record FaultTally(String network, Map<FaultKind, Integer> faults, List<Long> takeoverMillis, long runMillis,
        java.util.Optional<StopReason> stoppedEarly) {

    static FaultTally of(Path history) throws IOException {
        Map<FaultKind, Integer> faults = new EnumMap<>(FaultKind.class);
        List<Long> takeovers = new ArrayList<>();
        String[] network = {"loopback"};
        long[] last = {0};
        String[] stopped = {null};
        HistoryReader.forEach(history, e -> {
            last[0] = Math.max(last[0], e.t());
            switch (e.type()) {
                case "fault" -> kind(e).ifPresent(k -> {
                    if (k != FaultKind.KILL_PRIMARY_AND_ZK_LEADER || !e.target().startsWith("zk-")) {
                        faults.merge(k, 1, Integer::sum);
                    }
                });
                case "takeover" -> takeovers.add(e.value());
                case "client" -> {
                    if ("harness".equals(e.client()) && e.detail().startsWith("network ")) {
                        network[0] = e.detail().substring("network ".length()).split(",")[0];
                    } else if ("harness".equals(e.client()) && e.detail().startsWith(ChaosRun.STOPPED_EARLY)) {
                        stopped[0] = e.detail().substring(ChaosRun.STOPPED_EARLY.length());
                    }
                }
                default -> { }
            }
        });
        return new FaultTally(network[0], faults, takeovers, last[0] / 1_000_000,
                java.util.Optional.ofNullable(stopped[0]).map(name -> new StopReason(name, 0)));
    }

    private static java.util.Optional<FaultKind> kind(HistoryEvent e) {
        try {
            return java.util.Optional.of(FaultKind.valueOf(e.kind()));
        } catch (IllegalArgumentException | NullPointerException ex) {
            return java.util.Optional.empty(); // a kind this version does not know
        }
    }
}
