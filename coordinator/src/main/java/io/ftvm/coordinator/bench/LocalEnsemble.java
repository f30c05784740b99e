package io.ftvm.coordinator.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

/**
 * A ZooKeeper ensemble of {@code n} servers inside this JVM, on loopback ports, with data in a temporary directory
 * that {@link #close()} deletes. For the benchmark only (tests use Curator's {@code TestingCluster}).
 */
final class LocalEnsemble implements Closeable {
    private final Path dir;
    private final List<QuorumPeerMain> peers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final String connectString;

    LocalEnsemble(int n) throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.jmx.log4j.disable", "true");
        dir = Files.createTempDirectory("ftvm-zk-bench");
        int[] client = new int[n];
        int[] quorum = new int[n];
        int[] election = new int[n];
        for (int i = 0; i < n; i++) {
            client[i] = freePort();
            quorum[i] = freePort();
            election[i] = freePort();
        }
        StringBuilder connect = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Path data = Files.createDirectories(dir.resolve("s" + (i + 1)));
            Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
            Properties p = new Properties();
            p.setProperty("tickTime", "500");
            p.setProperty("initLimit", "10");
            p.setProperty("syncLimit", "5");
            p.setProperty("dataDir", data.toString());
            p.setProperty("clientPort", Integer.toString(client[i]));
            p.setProperty("clientPortAddress", "127.0.0.1");
            p.setProperty("admin.enableServer", "false");
            p.setProperty("4lw.commands.whitelist", "srvr");
            for (int j = 0; j < n; j++) {
                p.setProperty("server." + (j + 1), "127.0.0.1:" + quorum[j] + ":" + election[j]);
            }
            QuorumPeerConfig config = new QuorumPeerConfig();
            config.parseProperties(p);
            QuorumPeerMain peer = new QuorumPeerMain();
            Thread t = new Thread(() -> {
                try {
                    peer.runFromConfig(config);
                } catch (Exception e) {
                    System.err.println("zookeeper server " + config.getServerId() + " stopped: " + e);
                }
            }, "zk-server-" + (i + 1));
            t.setDaemon(true);
            t.start();
            peers.add(peer);
            threads.add(t);
            connect.append(i == 0 ? "" : ",").append("127.0.0.1:").append(client[i]);
        }
        connectString = connect.toString();
    }

    String connectString() {
        return connectString;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        peers.forEach(QuorumPeerMain::close);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
