package io.ftvm.chaos.cluster;

import io.ftvm.node.demo.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One ftd process: its YAML config, data directory and log ({@code ftd.log}, appended across restarts) under
 * {@code dir/<hostId>}. It listens on its {@link Topology#bindAddress} and advertises its
 * {@link Topology#advertiseAddress}, so its peers and clients reach it through relays; it is launched in its place of
 * the topology (its own network namespace, in a {@link NamespaceNetwork}). Ports stay the same across restarts
 * (clients' endpoint lists stay valid).
 */
public final class FtdHost {
    private final int number;
    private final String hostId;
    private final Topology topology;
    private final Path home;
    private final ProcessReaper reaper;
    private final int consolePort = FreePorts.next();
    private final int adminPort = FreePorts.next();
    private Process process;
    private boolean paused;

    /**
     * @param number    the host's number in the topology (from 1); its id is {@code host-<number>}
     * @param cluster   the cluster name and digest credentials go in the config
     * @param zookeeper the ensemble's connect string
     * @param tls       the host's certificate (naming its host id), key and the cluster CA: mutual TLS is on
     */
    FtdHost(int number, Topology topology, Path dir, ProcessReaper reaper, ClusterIdentity cluster,
            String zookeeper, HostTimeouts timeouts, io.ftvm.replication.TlsConfig tls) throws IOException {
        this.number = number;
        this.hostId = "host-" + number;
        this.topology = topology;
        this.reaper = reaper;
        this.home = Files.createDirectories(dir.resolve(hostId));
        // 0600 from the start: it holds the ZooKeeper password and the admin token
        SecretFiles.write(config(), String.join("\n",
                "hostId: " + hostId,
                "cluster: " + cluster.name(),
                "zookeeper: " + zookeeper,
                "user: " + cluster.credentials().user(),
                "password: " + cluster.credentials().password(),
                "dataDir: " + home.resolve("data").toAbsolutePath(),
                "bindAddress: " + topology.bindAddress(number),
                "advertiseAddress: " + topology.advertiseAddress(number),
                "consolePort: " + consolePort,
                "adminPort: " + adminPort,
                "adminToken: " + cluster.adminToken(),
                "capacityMib: 1024",
                "heartbeatIntervalMs: " + timeouts.heartbeat().toMillis(),
                "peerTimeoutMinMs: " + timeouts.peerTimeoutMin().toMillis(),
                "peerTimeoutMs: " + timeouts.peerTimeout().toMillis(),
                "backupLossTimeoutMs: " + timeouts.backupLoss().toMillis(),
                "takeoverGraceMs: " + timeouts.takeoverGrace().toMillis(),
                "sessionTimeoutMs: " + timeouts.session().toMillis(),
                "recordingMaxMib: 16",
                "tls:",
                "  certificate: " + tls.certificateChain().toAbsolutePath(),
                "  privateKey: " + tls.privateKey().toAbsolutePath(),
                "  trustedCa: " + tls.trustedCertificates().toAbsolutePath(),
                ""));
    }

    private Path config() {
        return home.resolve("ftd.yaml");
    }

    /** Starts the process unless it runs. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(topology.launcher(number));
        command.addAll(ProcessReaper.java("384m", "io.ftvm.node.daemon.Ftd", "--config",
                config().toAbsolutePath().toString()));
        process = reaper.start(command, log());
        paused = false;
    }

    /** SIGKILL (continuing it first if paused); waits until it is gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            reaper.kill(process);
            process = null;
            paused = false;
        }
    }

    /** SIGSTOP: the process keeps its sockets but does nothing (a GC pause, an overloaded host). */
    public synchronized void pause() {
        if (process != null && process.isAlive() && !paused) {
            reaper.stop(process);
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        if (process != null && paused) {
            reaper.resume(process);
            paused = false;
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public String id() {
        return hostId;
    }

    /** The host's number in the topology (from 1). */
    public int number() {
        return number;
    }

    /** Where it listens (the harness reaches it there directly, past the relays). */
    public String bindAddress() {
        return topology.bindAddress(number);
    }

    /** Where its peers and clients reach it (through the relays). */
    public String advertiseAddress() {
        return topology.advertiseAddress(number);
    }

    public int consolePort() {
        return consolePort;
    }

    public int adminPort() {
        return adminPort;
    }

    public Path log() {
        return home.resolve("ftd.log");
    }
}
