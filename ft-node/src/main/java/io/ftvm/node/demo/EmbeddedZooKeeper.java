package io.ftvm.node.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** A single ZooKeeper server inside this JVM (ZooKeeper's own embedded server), on loopback. */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private final Path dir;
    private final Properties config;
    private final int port;
    private ZooKeeperServerEmbedded server;

    /** Starts a server keeping its data under {@code dir}; waits up to 30 s for it to serve. */
    public EmbeddedZooKeeper(Path dir) throws Exception {
        this.port = freePort();
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", InetAddress.getLoopbackAddress().getHostAddress());
        p.setProperty("tickTime", "500");
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", "5");
        p.setProperty("minSessionTimeout", "1000");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "ruok,stat");
        java.nio.file.Files.createDirectories(dir);
        this.dir = dir;
        this.config = p;
        start();
    }

    /** Starts the server (again, after {@link #stop}: same port, same data); waits up to 30 s for it to serve. */
    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        ZooKeeperServerEmbedded s = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(config)
                .exitHandler(ExitHandler.LOG_ONLY).build();
        s.start(30_000);
        server = s;
    }

    /** Stops the server, as an outage would: its clients lose their connections; the data stays for a restart. */
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String connectString() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
