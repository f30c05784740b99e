package io.ftvm.chaos.nemesis;

import io.ftvm.chaos.cluster.ZooKeeperEnsemble;
import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import java.io.IOException;
import java.util.Optional;

/**
 * Kills the ZooKeeper ensemble's leader (found with the {@code srvr} four-letter word) with SIGKILL, waits 1-4 s
 * (the other two elect a new leader meanwhile) and restarts it; returns once the ensemble has a leader and two
 * followers again (bounded).
 */
final class ZooKeeperNemesis {
    private final NemesisContext ctx;

    ZooKeeperNemesis(NemesisContext ctx) {
        this.ctx = ctx;
    }

    /** False when no leader could be found within 30 s (nothing was done). */
    boolean killLeader() throws InterruptedException, IOException {
        Optional<Integer> id = killLeaderNow(FaultKind.ZK_LEADER_KILL);
        if (id.isEmpty()) {
            return false;
        }
        Thread.sleep(ctx.millis(1000, 4000));
        restart(FaultKind.ZK_LEADER_KILL, id.get());
        return true;
    }

    /** Kills the leader (found within 30 s) and records it; its id, or empty when there was no leader. */
    Optional<Integer> killLeaderNow(FaultKind kind) throws InterruptedException {
        ZooKeeperEnsemble zk = ctx.cluster().ensemble();
        HistoryWriter history = ctx.history();
        Optional<Integer> leader = Optional.empty();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (leader.isEmpty() && System.nanoTime() < deadline) {
            leader = zk.leader();
            if (leader.isEmpty()) {
                Thread.sleep(100);
            }
        }
        if (leader.isPresent()) {
            zk.kill(leader.get());
            history.append(HistoryEvent.fault(history.now(), kind.name(), "zk-" + leader.get(), "leader"));
        }
        return leader;
    }

    /** Restarts server {@code id} and waits (up to 60 s) until the ensemble serves again. */
    void restart(FaultKind kind, int id) throws InterruptedException, IOException {
        ZooKeeperEnsemble zk = ctx.cluster().ensemble();
        HistoryWriter history = ctx.history();
        zk.start(id);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!zk.serving() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        history.append(HistoryEvent.heal(history.now(), kind.name(), "zk-" + id,
                zk.serving() ? "restarted, ensemble serving" : "restarted, ensemble not serving after 60 s"));
    }
}
