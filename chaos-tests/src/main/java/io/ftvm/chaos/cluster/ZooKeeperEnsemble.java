package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real ZooKeeper ensemble of three servers, each its own process ({@code QuorumPeerMain} from ZooKeeper's jar)
 * with its own {@code zoo.cfg}, {@code myid} and data directory under {@code dir/zk-N}, on ports chosen at start, at
 * the addresses the {@link Topology} gives (in the harness's own network namespace). The four-letter words
 * {@code srvr} and {@code ruok} are enabled so the leader can be found.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
    /** ZooKeeper's tick: sessions are negotiated between 2 and 20 ticks. */
    static final int TICK_MS = 500;

    private final Path dir;
    private final ProcessReaper reaper;
    private final List<Server> servers = new ArrayList<>();

    /** One server's ports, its directory and its current process (null while down). */
    private static final class Server {
        final int id;
        final int clientPort;
        final int quorumPort;
        final int electionPort;
        final String address;
        final Path home;
        Process process;

        Server(int id, String address, Path home) {
            this.id = id;
            this.address = address;
            this.home = home;
            this.clientPort = FreePorts.next();
            this.quorumPort = FreePorts.next();
            this.electionPort = FreePorts.next();
        }
    }

    public ZooKeeperEnsemble(Path dir, ProcessReaper reaper, Topology topology) {
        this.dir = dir;
        this.reaper = reaper;
        for (int i = 1; i <= 3; i++) {
            servers.add(new Server(i, topology.zookeeperAddress(i), dir.resolve("zk-" + i)));
        }
    }

    /** Starts all three servers and waits (up to 60 s) until one is leader and the others follow. */
    public ZooKeeperEnsemble start() throws IOException, InterruptedException {
        for (Server s : servers) {
            writeConfig(s);
        }
        for (Server s : servers) {
            start(s.id);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!serving()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ZooKeeper ensemble did not form in 60 s; logs in " + dir);
            }
            Thread.sleep(100);
        }
        return this;
    }

    private void writeConfig(Server s) throws IOException {
        Files.createDirectories(s.home.resolve("data"));
        Files.writeString(s.home.resolve("data").resolve("myid"), s.id + "\n");
        List<String> lines = new ArrayList<>(List.of(
                "tickTime=" + TICK_MS,
                "initLimit=20",
                "syncLimit=4",
                "dataDir=" + s.home.resolve("data"),
                "clientPort=" + s.clientPort,
                "clientPortAddress=" + s.address,
                "minSessionTimeout=1000",
                "maxClientCnxns=0",
                "admin.enableServer=false",
                "4lw.commands.whitelist=srvr,ruok,stat",
                "quorumListenOnAllIPs=false"));
        for (Server o : servers) {
            lines.add("server." + o.id + "=" + o.address + ":" + o.quorumPort + ":" + o.electionPort);
        }
        Files.write(s.home.resolve("zoo.cfg"), lines);
    }

    /** Starts (or restarts) server {@code id} (1-3). */
    public void start(int id) throws IOException {
        Server s = server(id);
        if (s.process != null && s.process.isAlive()) {
            return;
        }
        s.process = reaper.start(ProcessReaper.java("128m", "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                s.home.resolve("zoo.cfg").toString()), s.home.resolve("zookeeper.log"));
    }

    /** Kills server {@code id} with SIGKILL. */
    public void kill(int id) throws InterruptedException {
        Server s = server(id);
        if (s.process != null) {
            reaper.kill(s.process);
            s.process = null;
        }
    }

    /** The server that says {@code Mode: leader} to {@code srvr}, if any does right now. */
    public Optional<Integer> leader() {
        for (Server s : servers) {
            if (mode(s).equals("leader")) {
                return Optional.of(s.id);
            }
        }
        return Optional.empty();
    }

    /** True when a leader and two followers answer. */
    public boolean serving() {
        int leaders = 0;
        int followers = 0;
        for (Server s : servers) {
            String m = mode(s);
            leaders += m.equals("leader") ? 1 : 0;
            followers += m.equals("follower") ? 1 : 0;
        }
        return leaders == 1 && followers == 2;
    }

    /** The server's mode ({@code leader}, {@code follower}, ...), or "" when it does not answer. */
    private static String mode(Server s) {
        if (s.process == null || !s.process.isAlive()) {
            return "";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(s.address), s.clientPort), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readNBytes(4096), StandardCharsets.US_ASCII);
            for (String line : reply.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    public boolean alive(int id) {
        Process p = server(id).process;
        return p != null && p.isAlive();
    }

    /** {@code address1:p1,address2:p2,address3:p3}. */
    public String connectString() {
        List<String> parts = new ArrayList<>();
        for (Server s : servers) {
            parts.add(s.address + ":" + s.clientPort);
        }
        return String.join(",", parts);
    }

    /** Every server's log file. */
    public List<Path> logs() {
        return servers.stream().map(s -> s.home.resolve("zookeeper.log")).toList();
    }

    private Server server(int id) {
        if (id < 1 || id > servers.size()) {
            throw new IllegalArgumentException("no ZooKeeper server " + id);
        }
        return servers.get(id - 1);
    }

    @Override
    public void close() {
        for (Server s : servers) {
            try {
                kill(s.id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the reaper kills it at the end
            }
        }
    }
}
