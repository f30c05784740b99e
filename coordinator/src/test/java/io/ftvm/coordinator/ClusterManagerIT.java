package io.ftvm.coordinator;

import static io.ftvm.coordinator.ZkTestSupport.WAIT;
import static io.ftvm.coordinator.ZkTestSupport.client;
import static io.ftvm.coordinator.ZkTestSupport.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterManagerIT {
    private static TestingServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = ZkTestSupport.server();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T t) {
        open.add(t);
        return t;
    }

    /** A host: its own session, its registration. */
    private CoordinatorClient hostUp(String cluster, String id, long capacity) {
        CoordinatorClient c = keep(client(server.getConnectString(), cluster));
        keep(HostRegistry.register(c, host(id, capacity)));
        return c;
    }

    private static void startVm(VmRecords records, String vm, long mib, DesiredProtection p, String primary) {
        records.create(vm, new VmSpec("img", mib, List.of(), p));
        records.transition(vm, 0, new Transition.Start(primary));
    }

    @Test
    void placesBackupsAwayFromThePrimaryWithinCapacityAndSaysWhatDoesNotFit() throws Exception {
        String cl = "place";
        hostUp(cl, "h1", 4000);
        hostUp(cl, "h2", 4000);
        hostUp(cl, "h3", 1000);
        CoordinatorClient admin = keep(client(server.getConnectString(), cl));
        VmRecords records = new VmRecords(admin);
        startVm(records, "vm-a", 400, DesiredProtection.PROTECTED, "h1");
        startVm(records, "vm-b", 400, DesiredProtection.PROTECTED, "h2");
        startVm(records, "vm-big", 5000, DesiredProtection.PROTECTED, "h1");
        startVm(records, "vm-c", 400, DesiredProtection.PROTECTED, "h1");
        startVm(records, "vm-none", 100, DesiredProtection.NONE, "h2");
        List<ClusterManager.Report> reports = new CopyOnWriteArrayList<>();
        ClusterManager m = keep(new ClusterManager(keep(client(server.getConnectString(), cl)), "h1", reports::add))
                .start();
        await().atMost(WAIT).until(() -> records.state("vm-c").state().status() == VmStatus.SYNCING);
        assertThat(records.state("vm-a").state().backup()).isEqualTo("h2");
        assertThat(records.state("vm-b").state().backup()).isEqualTo("h3");
        assertThat(records.state("vm-c").state().backup()).isEqualTo("h2");
        assertThat(records.state("vm-none").state().status()).isEqualTo(VmStatus.UNPROTECTED);
        assertThat(records.state("vm-big").state().status()).isEqualTo(VmStatus.UNPROTECTED);
        // h2 holds vm-b and vm-none as primary, vm-a and vm-c as backups: 4000 - 1300 free
        await().atMost(WAIT).until(() -> m.lastReport().unplaced().equals(java.util.Map.of("vm-big",
                "no live host has 5000 MiB free (2 candidates; most free: h2 with 2700 MiB)")));
        // a host that fits joins: the manager places the waiting VM there
        hostUp(cl, "h4", 8000);
        await().atMost(WAIT).until(() -> "h4".equals(records.state("vm-big").state().backup()));
        await().atMost(WAIT).until(() -> m.lastReport().unplaced().isEmpty());
    }

    @Test
    void aBackupHostWhoseSessionExpiresKeepsItsBackupsIfItReturnsAndLosesThemIfItDoesNot() throws Exception {
        String cl = "expire";
        hostUp(cl, "h1", 4000);
        CoordinatorClient h2 = keep(client(server.getConnectString(), cl));
        HostRegistry h2Registration = HostRegistry.register(h2, host("h2", 4000));
        CoordinatorClient admin = keep(client(server.getConnectString(), cl));
        VmRecords records = new VmRecords(admin);
        startVm(records, "vm", 400, DesiredProtection.PROTECTED, "h1");
        List<ClusterManager.Report> reports = new CopyOnWriteArrayList<>();
        keep(new ClusterManager(keep(client(server.getConnectString(), cl)), "h1", reports::add).start());
        await().atMost(WAIT).until(() -> records.state("vm").state().status() == VmStatus.SYNCING);
        VmState synced = records.transition("vm", 2, new Transition.BackupInSync("h2")).state().state();
        List<String> fenced = new CopyOnWriteArrayList<>();
        keep(new FencingWatch(h2, "vm", "h2", Role.BACKUP, synced, (id, e, cur, why) -> fenced.add(why)).start());
        hostUp(cl, "h3", 4000);

        // the session expires (an ensemble outage, a long pause) but the host runs on and re-registers at once: the
        // manager keeps the in-sync backup (the grace is one session timeout, 3 s here)
        ZkTestSupport.expireSession(h2, server.getConnectString());
        int seen = reports.size();
        await().atMost(WAIT).until(() -> reports.size() > seen + 2);
        Thread.sleep(4_000); // past the grace: nothing may have happened
        assertThat(records.state("vm").state()).isEqualTo(synced);
        assertThat(fenced).isEmpty();

        // the host goes for good: after the grace the manager drops the backup (fencing it) and places a new one
        h2Registration.close();
        await().atMost(WAIT).until(() -> !fenced.isEmpty());
        await().atMost(WAIT).until(() -> {
            VmState s = records.state("vm").state();
            return s.status() == VmStatus.SYNCING && s.backupSince() > synced.epoch();
        });
        VmState now = records.state("vm").state();
        assertThat(now.epoch()).isEqualTo(synced.epoch() + 2);
        assertThat(now.primary()).isEqualTo("h1");
        assertThat(now.backup()).isEqualTo("h3");
    }

    @Test
    void onlyTheLatchHolderActsAndLosingItStopsItAtOnce() throws Exception {
        String cl = "leader";
        hostUp(cl, "h1", 4000);
        hostUp(cl, "h2", 4000);
        CoordinatorClient c1 = keep(client(server.getConnectString(), cl));
        CoordinatorClient c2 = keep(client(server.getConnectString(), cl));
        ClusterManager m1 = keep(new ClusterManager(c1, "h1", r -> { }).start());
        ClusterManager m2 = keep(new ClusterManager(c2, "h2", r -> { }).start());
        await().atMost(WAIT).until(() -> m1.acting() || m2.acting());
        assertThat(m1.acting() && m2.acting()).isFalse();
        ClusterManager leader = m1.acting() ? m1 : m2;
        ClusterManager follower = leader == m1 ? m2 : m1;
        CoordinatorClient leaderClient = leader == m1 ? c1 : c2;

        VmRecords records = new VmRecords(keep(client(server.getConnectString(), cl)));
        startVm(records, "vm1", 100, DesiredProtection.PROTECTED, "h1");
        await().atMost(WAIT).until(() -> records.state("vm1").state().status() == VmStatus.SYNCING);

        ZkTestSupport.expireSession(leaderClient, server.getConnectString());
        await().atMost(WAIT).until(() -> !leader.acting());
        await().atMost(WAIT).until(follower::acting);
        startVm(records, "vm2", 100, DesiredProtection.PROTECTED, "h2");
        await().atMost(WAIT).until(() -> records.state("vm2").state().status() == VmStatus.SYNCING);
        assertThat(leader.acting() && follower.acting()).isFalse();
    }

    @Test
    void aNewPrimarysHostPlacesItsBackupWhileTheLeaderIsDeadButHoldsTheLatch() throws Exception {
        String cl = "deputy";
        hostUp(cl, "h1", 4000);
        hostUp(cl, "h2", 4000);
        hostUp(cl, "h3", 4000);
        // a leader that died with the former primary: its latch lives until its session expires, and it acts no more
        CoordinatorClient ghost = keep(client(server.getConnectString(), cl));
        org.apache.curator.framework.recipes.leader.LeaderLatch dead =
                new org.apache.curator.framework.recipes.leader.LeaderLatch(ghost.curator(), ClusterPaths.MANAGER,
                        "ghost");
        dead.start();
        keep(dead);
        await().atMost(WAIT).until(dead::hasLeadership);
        VmRecords records = new VmRecords(keep(client(server.getConnectString(), cl)));
        startVm(records, "vm1", 100, DesiredProtection.PROTECTED, "h1");
        records.transition("vm1", 1, new Transition.AssignBackup("h2"));
        records.transition("vm1", 2, new Transition.BackupInSync("h2"));
        ClusterManager h2 = keep(new ClusterManager(keep(client(server.getConnectString(), cl)), "h2", r -> { })
                .start());
        ClusterManager h3 = keep(new ClusterManager(keep(client(server.getConnectString(), cl)), "h3", r -> { })
                .start());
        await().atMost(WAIT).until(() -> records.state("vm1").state().status() == VmStatus.PROTECTED);
        Thread.sleep(300); // both managers have seen the pair in sync
        assertThat(h2.acting() || h3.acting()).as("the dead leader still holds the latch").isFalse();

        // h2's backup takes over from h1, whose registration outlives it: h2 places its own backup, not on h1
        records.transition("vm1", 3, new Transition.TakeOver("h2"));
        VmState placed = await().atMost(WAIT).until(() -> records.state("vm1").state(),
                s -> s.status() == VmStatus.SYNCING);
        assertThat(placed.primary()).isEqualTo("h2");
        assertThat(placed.backup()).as("not on the former primary's host").isEqualTo("h3");
        assertThat(placed.epoch()).isEqualTo(5);

        // hosts do not act for a VM whose primary is elsewhere (h1 runs no manager here): only a leader would
        startVm(records, "vm2", 100, DesiredProtection.PROTECTED, "h1");
        Thread.sleep(1_000);
        assertThat(records.state("vm2").state().status()).isEqualTo(VmStatus.UNPROTECTED);
    }
}
