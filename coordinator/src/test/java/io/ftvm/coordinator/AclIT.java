package io.ftvm.coordinator;

import static io.ftvm.coordinator.ZkTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AclIT {
    private static TestingServer server;
    private static CoordinatorClient ftvm;
    private static VmRecords records;

    @BeforeAll
    static void start() throws Exception {
        server = ZkTestSupport.server();
        ftvm = client(server.getConnectString(), "secure");
        records = new VmRecords(ftvm);
        records.create("vm1", ZkTestSupport.vmSpec(128));
        records.transition("vm1", 0, new Transition.Start("h1"));
        HostRegistry.register(ftvm, ZkTestSupport.host("h1", 1024));
    }

    @AfterAll
    static void stop() throws Exception {
        ftvm.close();
        server.close();
    }

    private static CuratorFramework outsider(String user, String password) throws InterruptedException {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString()).retryPolicy(new RetryOneTime(100));
        if (user != null) {
            b.authorization("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework c = b.build();
        c.start();
        c.blockUntilConnected();
        return c;
    }

    @Test
    void everyFtvmZnodeCarriesTheDigestAcl() throws Exception {
        for (String path : new String[] {"/ftvm", "/ftvm/secure", "/ftvm/secure/vms", "/ftvm/secure/vms/vm1",
                "/ftvm/secure/vms/vm1/state", "/ftvm/secure/hosts", "/ftvm/secure/hosts/h1"}) {
            // read with the ftvm identity: ZooKeeper masks digest hashes for readers without ADMIN permission
            assertThat(ftvm.curator().usingNamespace(null).getACL().forPath(path)).as(path).containsExactly(
                        new ACL(ZooDefs.Perms.ALL, new org.apache.zookeeper.data.Id("digest",
                                ZkTestSupport.CRED.digestId())));
        }
    }

    @Test
    void anUnauthenticatedClientReadsNothingAndChangesNothing() throws Exception {
        try (CuratorFramework c = outsider(null, null)) {
            for (String path : new String[] {"/ftvm", "/ftvm/secure", "/ftvm/secure/vms", "/ftvm/secure/vms/vm1",
                    "/ftvm/secure/vms/vm1/state", "/ftvm/secure/hosts", "/ftvm/secure/hosts/h1"}) {
                assertThatThrownBy(() -> c.getData().forPath(path)).as(path)
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> c.getChildren().forPath(path)).as(path)
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThatThrownBy(() -> c.setData().forPath("/ftvm/secure/vms/vm1/state", new byte[1]))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> c.delete().forPath("/ftvm/secure/hosts/h1"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> c.create().forPath("/ftvm/secure/vms/evil"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> c.create().forPath("/ftvm/secure/hosts/evil"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> c.create().forPath("/ftvm/other"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> c.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath("/ftvm/secure/vms"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void aWrongPasswordGetsATypedRefusal() {
        CoordinatorConfig wrong = ZkTestSupport.config(server.getConnectString(), "secure")
                .withCredentials(new Credentials("ftvm", "guess"));
        // Nothing is readable without the identity: the client cannot even start (a typed refusal naming the path).
        assertThatThrownBy(() -> new CoordinatorClient(wrong).start())
                .isInstanceOf(CoordinatorAccessDeniedException.class).hasMessageContaining("/ftvm/secure");
        assertThat(records.state("vm1").epoch()).isEqualTo(1);
    }

    @Test
    void aWrongPasswordCannotEvenStartOnAFreshCluster() {
        CoordinatorConfig wrong = ZkTestSupport.config(server.getConnectString(), "fresh")
                .withCredentials(new Credentials("ftvm", "guess"));
        // /ftvm belongs to the real identity: the fresh cluster's root cannot be created under it
        assertThatThrownBy(() -> new CoordinatorClient(wrong).start())
                .isInstanceOf(CoordinatorAccessDeniedException.class);
    }

    @Test
    void worldReadableIsOptInAndNeverCoversPairKeys() throws Exception {
        CoordinatorConfig open = ZkTestSupport.config(server.getConnectString(), "open").withWorldReadable(true);
        try (CoordinatorClient c = new CoordinatorClient(open).start()) {
            new VmRecords(c).create("shown", ZkTestSupport.vmSpec(1));
            new EndpointDirectory(c).publish("shown", Role.BACKUP, 3, new Endpoint("127.0.0.1:4000", "ab".repeat(32)));
            try (CuratorFramework o = outsider(null, null)) {
                assertThat(new String(o.getData().forPath("/ftvm/open/vms/shown/state"), StandardCharsets.UTF_8))
                        .contains("STOPPED");
                assertThatThrownBy(() -> o.getData().forPath("/ftvm/open/endpoints/shown.backup.3"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> o.getChildren().forPath("/ftvm/open/endpoints"))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThat(new EndpointDirectory(c).lookup("shown", Role.BACKUP, 3)).contains(new Endpoint(
                    "127.0.0.1:4000", "ab".repeat(32)));
        }
    }

    @Test
    void znodesLeftWorldReadableByAnEarlierConfigAreMadePrivate() throws Exception {
        CoordinatorConfig open = ZkTestSupport.config(server.getConnectString(), "legacy").withWorldReadable(true);
        try (CoordinatorClient c = new CoordinatorClient(open).start()) {
            new VmRecords(c).create("old", ZkTestSupport.vmSpec(1));
        }
        try (CuratorFramework o = outsider(null, null)) {
            assertThat(o.getData().forPath("/ftvm/legacy/vms/old/state")).isNotEmpty(); // what earlier versions left
        }
        try (CoordinatorClient c = new CoordinatorClient(ZkTestSupport.config(server.getConnectString(), "legacy"))
                .start()) {
            AclRepair.Report r = c.enforceAcls();
            assertThat(r.tightened()).as("%s", r).isGreaterThanOrEqualTo(4); // legacy, vms, vms/old, vms/old/state
            assertThat(r.refused()).isEmpty();
            assertThat(c.enforceAcls().tightened()).as("a second walk finds nothing to do").isZero();
            try (CuratorFramework o = outsider(null, null)) {
                for (String path : new String[] {"/ftvm/legacy", "/ftvm/legacy/vms", "/ftvm/legacy/vms/old",
                        "/ftvm/legacy/vms/old/state"}) {
                    assertThatThrownBy(() -> o.getData().forPath(path)).as(path)
                            .isInstanceOf(KeeperException.NoAuthException.class);
                }
            }
            assertThat(new VmRecords(c).state("old").state().status()).isEqualTo(VmStatus.STOPPED);
        }
    }
}
