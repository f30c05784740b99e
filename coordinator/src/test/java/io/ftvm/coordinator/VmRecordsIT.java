package io.ftvm.coordinator;

import static io.ftvm.coordinator.ZkTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VmRecordsIT {
    private static TestingServer server;
    private static CoordinatorClient client;
    private static VmRecords records;

    @BeforeAll
    static void start() throws Exception {
        server = ZkTestSupport.server();
        client = client(server.getConnectString(), "records");
        records = new VmRecords(client);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void createReadTransitionAndDelete() {
        VmSpec spec = ZkTestSupport.vmSpec(256);
        VersionedState s = records.create("basic", spec);
        assertThat(s.state()).isEqualTo(VmState.initial());
        assertThat(records.spec("basic")).isEqualTo(spec);
        assertThatThrownBy(() -> records.create("basic", spec)).isInstanceOf(VmAlreadyExistsException.class);
        assertThat(records.list()).contains("basic");

        TransitionOutcome o = records.transition("basic", 0, new Transition.Start("h1"));
        assertThat(o.won()).isTrue();
        assertThat(o.state().state().epoch()).isEqualTo(1);
        assertThat(records.state("basic")).isEqualTo(o.state());
        // a stale epoch loses without writing
        TransitionOutcome stale = records.transition("basic", 0, new Transition.Start("h2"));
        assertThat(stale).isInstanceOf(TransitionOutcome.Lost.class);
        assertThat(((TransitionOutcome.Lost) stale).stillHolds("h1", Role.PRIMARY)).isTrue();
        // illegal at the current epoch
        assertThatThrownBy(() -> records.transition("basic", 1, new Transition.TakeOver("h2")))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> records.delete(records.state("basic")))
                .isInstanceOf(IllegalTransitionException.class);
        TransitionOutcome stopped = records.transition("basic", 1, new Transition.Stop("test"));
        assertThat(records.delete(stopped.state())).isTrue();
        assertThatThrownBy(() -> records.state("basic")).isInstanceOf(NoSuchVmException.class);
        assertThatThrownBy(() -> records.transition("basic", 2, new Transition.Start("h1")))
                .isInstanceOf(NoSuchVmException.class);
    }

    @Test
    void protectionIsChangedOnTheSpecOnly() {
        records.create("ft", ZkTestSupport.vmSpec(64));
        records.transition("ft", 0, new Transition.Start("h1"));
        VersionedState before = records.state("ft");
        for (DesiredProtection p : List.of(DesiredProtection.SUSPENDED, DesiredProtection.NONE,
                DesiredProtection.PROTECTED, DesiredProtection.PROTECTED)) {
            assertThat(records.setProtection("ft", p).protection()).isEqualTo(p);
            assertThat(records.spec("ft").protection()).isEqualTo(p);
        }
        assertThat(records.spec("ft").image()).isEqualTo(ZkTestSupport.vmSpec(64).image());
        assertThat(records.state("ft")).isEqualTo(before);
        assertThatThrownBy(() -> records.setProtection("nope", DesiredProtection.NONE))
                .isInstanceOf(NoSuchVmException.class);
    }

    @Test
    void aWriteWhoseReplyWasLostIsRecognisedAsWon() {
        VersionedState s0 = records.create("replay", ZkTestSupport.vmSpec(256));
        TransitionOutcome first = records.transition(s0, new Transition.Start("h1"));
        // the same CAS again from the same expectation: the version no longer matches, but the record is ours
        TransitionOutcome again = records.transition(s0, new Transition.Start("h1"));
        assertThat(again).isEqualTo(first);
        assertThat(records.transition(s0, new Transition.Start("h2")).won()).isFalse();
    }

    /** 8 hosts × 50 rounds, all CAS from the same read at the same moment: exactly one wins each round. */
    @Test
    void manyHostsRacingTheSameChangeHaveExactlyOneWinner() throws Exception {
        int hosts = 8;
        int rounds = 50;
        records.create("race", ZkTestSupport.vmSpec(256));
        List<CoordinatorClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(hosts);
        try {
            for (int i = 0; i < hosts; i++) {
                clients.add(client(server.getConnectString(), "records"));
            }
            CyclicBarrier barrier = new CyclicBarrier(hosts);
            long epoch = 0;
            for (int round = 0; round < rounds; round++) {
                VersionedState before = records.state("race");
                assertThat(before.epoch()).isEqualTo(epoch);
                boolean start = before.state().status() == VmStatus.STOPPED;
                List<Future<TransitionOutcome>> results = new ArrayList<>();
                for (int i = 0; i < hosts; i++) {
                    VmRecords mine = new VmRecords(clients.get(i));
                    String me = "host-" + i;
                    // stopped: everyone races to start it on itself; running: everyone races to become its backup
                    // (from each host's own read, as roles do)
                    Transition t = start ? new Transition.Start(me) : new Transition.AssignBackup(me);
                    long expected = epoch;
                    results.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        try {
                            return mine.transition("race", expected, t);
                        } catch (IllegalTransitionException e) {
                            return null; // the primary itself may not be its own backup
                        }
                    }));
                }
                int winners = 0;
                TransitionOutcome won = null;
                List<TransitionOutcome> lost = new ArrayList<>();
                for (Future<TransitionOutcome> f : results) {
                    TransitionOutcome o = f.get(20, TimeUnit.SECONDS);
                    if (o != null && o.won()) {
                        winners++;
                        won = o;
                    } else if (o != null) {
                        lost.add(o);
                    }
                }
                assertThat(winners).as("winners in round %d", round).isEqualTo(1);
                assertThat(won.state().epoch()).isEqualTo(epoch + 1);
                for (TransitionOutcome l : lost) {
                    assertThat(l.state().state()).isEqualTo(won.state().state());
                }
                epoch++;
                if (!start) { // back to stopped for the next start race
                    records.transition("race", epoch, new Transition.Stop("next round"));
                    epoch++;
                }
            }
        } finally {
            pool.shutdownNow();
            clients.forEach(CoordinatorClient::close);
        }
    }

    /** The backup takes over while the primary drops it: one wins, and the loser's fencing watch tells it to halt. */
    @Test
    void takeoverAgainstGoUnprotectedFencesTheLoser() throws Exception {
        try (CoordinatorClient p = client(server.getConnectString(), "records");
             CoordinatorClient b = client(server.getConnectString(), "records")) {
            VmRecords pr = new VmRecords(p);
            VmRecords br = new VmRecords(b);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 20; round++) {
                    String vm = "duel-" + round;
                    records.create(vm, ZkTestSupport.vmSpec(128));
                    records.transition(vm, 0, new Transition.Start("prim"));
                    records.transition(vm, 1, new Transition.AssignBackup("back"));
                    VmState prot = records.transition(vm, 2, new Transition.BackupInSync("back")).state().state();
                    List<String> fencedWho = new CopyOnWriteArrayList<>();
                    try (FencingWatch pw = new FencingWatch(p, vm, "prim", Role.PRIMARY, prot,
                            (id, held, cur, why) -> fencedWho.add("prim"))
                            .start();
                         FencingWatch bw = new FencingWatch(b, vm, "back", Role.BACKUP, prot,
                                 (id, held, cur, why) -> fencedWho.add("back"))
                                 .start()) {
                        CyclicBarrier go = new CyclicBarrier(2);
                        Future<TransitionOutcome> take = pool.submit(() -> {
                            go.await(10, TimeUnit.SECONDS);
                            return br.transition(vm, 3, new Transition.TakeOver("back"));
                        });
                        Future<TransitionOutcome> drop = pool.submit(() -> {
                            go.await(10, TimeUnit.SECONDS);
                            return pr.transition(vm, 3, new Transition.GoUnprotected("prim", "backup silent"));
                        });
                        boolean backupWon = take.get(20, TimeUnit.SECONDS).won();
                        boolean primaryWon = drop.get(20, TimeUnit.SECONDS).won();
                        assertThat(backupWon ^ primaryWon).as("exactly one winner").isTrue();
                        // the loser is fenced; if the primary won, it stays primary and is not
                        String loser = backupWon ? "prim" : "back";
                        await().atMost(ZkTestSupport.WAIT).until(() -> fencedWho.contains(loser));
                        if (primaryWon) {
                            assertThat(bw.fenced()).isTrue();
                            assertThat(pw.fenced()).isFalse();
                            assertThat(pw.heldEpoch()).isEqualTo(4);
                        }
                        assertThat(records.state(vm).epoch()).isEqualTo(4);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aHolderThatMissedChangesIsFencedOnceItLooks() throws Exception {
        records.create("late", ZkTestSupport.vmSpec(128));
        VmState held = records.transition("late", 0, new Transition.Start("a")).state().state();
        records.transition("late", 1, new Transition.Stop("x"));
        records.transition("late", 2, new Transition.Start("a")); // a again, a new tenure
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (FencingWatch w = new FencingWatch(client, "late", "a", Role.PRIMARY, held,
                (id, e, cur, why) -> reasons.add(why)).start()) {
            await().atMost(ZkTestSupport.WAIT).until(() -> !reasons.isEmpty());
            assertThat(reasons.get(0)).contains("no longer names a as PRIMARY since epoch 1");
            assertThat(w.fenced()).isTrue();
        }
    }

    @Test
    void corruptedAndForeignRecordsGiveATypedErrorAndFenceTheirHolders() throws Exception {
        records.create("bad", ZkTestSupport.vmSpec(128));
        VmState held = records.transition("bad", 0, new Transition.Start("a")).state().state();
        List<String> reasons = new CopyOnWriteArrayList<>();
        List<Long> advanced = new CopyOnWriteArrayList<>();
        try (FencingWatch w = new FencingWatch(client, "bad", "a", Role.PRIMARY, held, new FencingWatch.Listener() {
            @Override
            public void onEpochAdvanced(VmState current) {
                advanced.add(current.epoch());
            }

            @Override
            public void onFenced(String vmId, long heldEpoch, VmState current, String reason) {
                reasons.add(reason);
            }
        }).start()) {
            VmState next = records.transition("bad", 1, new Transition.AssignBackup("b")).state().state();
            await().atMost(ZkTestSupport.WAIT).until(() -> advanced.contains(2L));
            assertThat(w.heldEpoch()).isEqualTo(next.epoch());

            String path = client.paths().state("bad");
            client.curator().setData().forPath(path, "{\"format\":7,\"kind\":\"ftvm.vm-state\"}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> records.state("bad"))
                    .isInstanceOf(RecordFormatException.class)
                    .hasMessage("unreadable ftvm record at /ftvm/records/vms/bad/state: record format 7 is not "
                            + "supported (this version reads format 1)");
            assertThatThrownBy(() -> records.transition("bad", 2, new Transition.Stop("x")))
                    .isInstanceOf(RecordFormatException.class);
            await().atMost(ZkTestSupport.WAIT).until(() -> !reasons.isEmpty());
            assertThat(reasons.get(0)).contains("record format 7");

            client.curator().setData().forPath(client.paths().vm("bad"), new byte[] {(byte) 0xff, 0, 1});
            assertThatThrownBy(() -> records.spec("bad"))
                    .isInstanceOf(RecordFormatException.class)
                    .hasMessageContaining("/ftvm/records/vms/bad: not JSON");
        }
    }
}
