package io.ftvm.coordinator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Real ZooKeeper for the ITs: loopback, free ports, a short tick so sessions and elections are quick. */
final class ZkTestSupport {
    static final Credentials CRED = new Credentials("ftvm", "s3cret-for-tests");
    static final int TICK_MS = 200; // sessions 0.4 .. 4 s
    static final Duration WAIT = Duration.ofSeconds(30);

    private ZkTestSupport() {
    }

    static InstanceSpec spec(int serverId) {
        return new InstanceSpec(null, -1, -1, -1, true, serverId, TICK_MS, -1);
    }

    static TestingServer server() throws Exception {
        return new TestingServer(spec(-1), true);
    }

    static TestingCluster ensemble() {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            specs.add(spec(i));
        }
        return new TestingCluster(specs);
    }

    static CoordinatorConfig config(String connect, String cluster) {
        return CoordinatorConfig.of(connect, cluster, CRED)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .withRetry(Duration.ofMillis(50), Duration.ofMillis(500), 8)
                .withManagerRetryInterval(Duration.ofMillis(500));
    }

    static CoordinatorClient client(String connect, String cluster) {
        return new CoordinatorClient(config(connect, cluster)).start();
    }

    /**
     * Expires the client's session on the server, as a long partition would: a second handle with the same session
     * id and password closes it, so the server deletes its ephemeral nodes at once; the client learns it is expired.
     */
    static void expireSession(CoordinatorClient client, String connect) throws Exception {
        ZooKeeper zk = client.curator().getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connect, 3000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zk.getSessionId(), zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("twin session did not connect");
            }
        } finally {
            twin.close();
        }
    }

    /** The ensemble member that is leading now, by the {@code srvr} four-letter word; null if none answers so. */
    static InstanceSpec leader(TestingCluster cluster) {
        for (InstanceSpec s : cluster.getInstances()) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.getPort())) {
                socket.setSoTimeout(2000);
                socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                if (readAll(socket.getInputStream()).contains("Mode: leader")) {
                    return s;
                }
            } catch (IOException ignored) {
                // down or not serving
            }
        }
        return null;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    static VmSpec vmSpec(long mib) {
        return new VmSpec("guests/images/kvstore.elf", mib, List.of("uart", "rtc"), DesiredProtection.PROTECTED);
    }

    static HostInfo host(String id, long capacityMib) {
        return new HostInfo(id, "127.0.0.1:" + (7400 + Math.abs(id.hashCode() % 1000)), capacityMib, "test");
    }
}
