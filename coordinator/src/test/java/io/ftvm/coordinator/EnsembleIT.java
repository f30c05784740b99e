package io.ftvm.coordinator;

import static io.ftvm.coordinator.ZkTestSupport.WAIT;
import static io.ftvm.coordinator.ZkTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** A 3-server ensemble whose leader is killed while hosts race role changes on one VM. */
class EnsembleIT {

    /** The transition host {@code me} would attempt on {@code s}, or null. */
    private static Transition next(VmState s, String me, int turn) {
        switch (s.status()) {
            case STOPPED:
                return new Transition.Start(me);
            case UNPROTECTED:
                if (s.names(me, Role.PRIMARY)) {
                    return turn % 7 == 0 ? new Transition.Stop("cycle") : null;
                }
                return new Transition.AssignBackup(me);
            case SYNCING:
                return s.names(me, Role.BACKUP) ? new Transition.BackupInSync(me) : null;
            case PROTECTED:
                if (s.names(me, Role.BACKUP)) {
                    return new Transition.TakeOver(me);
                }
                return s.names(me, Role.PRIMARY) ? new Transition.GoUnprotected(me, "race") : null;
            default:
                return null;
        }
    }

    @Test
    void killingTheLeaderDuringTransitionsNeverLetsTwoHostsWinOneEpoch() throws Exception {
        try (TestingCluster ensemble = ZkTestSupport.ensemble()) {
            ensemble.start();
            String connect = ensemble.getConnectString();
            int hosts = 3;
            List<CoordinatorClient> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(hosts);
            AtomicBoolean running = new AtomicBoolean(true);
            // every won epoch, with the winner: a second winner of one epoch would be split brain
            ConcurrentHashMap<Long, String> winners = new ConcurrentHashMap<>();
            AtomicInteger duplicateWins = new AtomicInteger();
            AtomicInteger unknown = new AtomicInteger();
            AtomicInteger unavailable = new AtomicInteger();
            try {
                for (int i = 0; i < hosts; i++) {
                    clients.add(client(connect, "ensemble"));
                }
                new VmRecords(clients.get(0)).create("vm", ZkTestSupport.vmSpec(64));
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < hosts; i++) {
                    VmRecords records = new VmRecords(clients.get(i));
                    String me = "h" + i;
                    workers.add(pool.submit(() -> {
                        int turn = 0;
                        while (running.get()) {
                            turn++;
                            try {
                                VersionedState s = records.state("vm");
                                Transition t = next(s.state(), me, turn);
                                if (t == null) {
                                    Thread.sleep(2);
                                    continue;
                                }
                                TransitionOutcome o = records.transition(s, t);
                                if (o.won() && winners.putIfAbsent(o.state().epoch(), me) != null) {
                                    duplicateWins.incrementAndGet();
                                }
                            } catch (CoordinatorUnavailableException e) {
                                unavailable.incrementAndGet();
                                unknown.incrementAndGet(); // a write may have landed without us knowing
                                Thread.sleep(20);
                            }
                        }
                        return null;
                    }));
                }
                for (int kill = 0; kill < 2; kill++) {
                    int before = winners.size();
                    await().atMost(WAIT).until(() -> winners.size() >= before + 30);
                    InstanceSpec leader = ZkTestSupport.leader(ensemble);
                    assertThat(leader).as("an ensemble leader").isNotNull();
                    ensemble.killServer(leader);
                    int atKill = winners.size();
                    // transitions go on with two of three servers
                    await().atMost(WAIT).until(() -> winners.size() >= atKill + 30);
                    ensemble.restartServer(leader);
                    await().atMost(WAIT).until(() -> ZkTestSupport.leader(ensemble) != null);
                }
                running.set(false);
                for (Future<?> w : workers) {
                    w.get(30, TimeUnit.SECONDS);
                }
                long finalEpoch = new VmRecords(clients.get(0)).state("vm").epoch();
                assertThat(duplicateWins.get()).isZero();
                Set<Long> gaps = new HashSet<>();
                for (long e = 1; e <= finalEpoch; e++) {
                    if (!winners.containsKey(e)) {
                        gaps.add(e);
                    }
                }
                // every epoch was won by exactly one host we know of, except where a reply was lost in the leader
                // change and the write created no tenure to recognise it by (VmRecords' javadoc): rare, bounded
                assertThat(gaps.size()).as("epochs with an unrecognised winner: %s", gaps)
                        .isLessThanOrEqualTo(unknown.get() + 4);
                assertThat(winners.keySet()).allMatch(e -> e <= finalEpoch);
                assertThat(finalEpoch).isGreaterThanOrEqualTo(120);
            } finally {
                running.set(false);
                pool.shutdownNow();
                clients.forEach(CoordinatorClient::close);
            }
        }
    }
}
