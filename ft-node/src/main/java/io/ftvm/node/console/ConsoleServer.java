package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleFraming;
import io.ftvm.replication.console.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's console endpoint: one listening socket serving the consoles of any number of VMs, each through a {@link
 * ConsoleBackend} {@link #attach attached} when this host takes a role for the VM and {@link #detach detached} when it
 * gives it up. A connection for a VM with no backend here gets ERROR UNKNOWN_VM; for a backend that is not serving
 * (a backup), a REDIRECT to the primary. Every client must prove itself first ({@link ConsoleAuth}). Any number of
 * clients may read a VM's output at once; one at a time holds the VM's write lease and may send input (see
 * {@link ConsoleServerHandler} for how the one input stream stays exactly-once).
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

    private final ConsoleServerConfig config;
    private final ConsoleAuth auth;
    private final ConsoleFraming.Stats stats = new ConsoleFraming.Stats();
    private final ConcurrentMap<String, VmConsole> vms = new ConcurrentHashMap<>();
    private final Set<ConsoleServerHandler> connections = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup group;
    private final Channel server;
    private volatile boolean closed;

    /** One attached VM: its backend, the lock that makes each input offer atomic, its open connections. */
    static final class VmConsole {
        final String vmId;
        final ConsoleBackend backend;
        final ReentrantLock inputLock = new ReentrantLock();
        final Set<ConsoleServerHandler> connections = ConcurrentHashMap.newKeySet();
        volatile boolean detached;
        /** The connection holding the write lease, its client's name and since when (guarded by inputLock). */
        volatile ConsoleServerHandler writer;
        String writerName;
        java.time.Instant writerSince;

        VmConsole(String vmId, ConsoleBackend backend) {
            this.vmId = vmId;
            this.backend = backend;
        }

        /**
         * Gives the write lease to {@code h} for the client {@code name} (call under {@link #inputLock}): refused
         * (the refusal is returned) while another connection holds it, unless {@code takeOver}, or unless the holder
         * is the same client reconnecting ({@code named}: the name is the client's own; its old connection may
         * linger until the peer timeout). A holder that loses the lease is told so.
         */
        String takeLease(ConsoleServerHandler h, String name, boolean named, boolean takeOver) {
            ConsoleServerHandler holder = writer;
            boolean sameClient = holder != null && named && name.equals(writerName);
            if (holder != null && holder != h && !takeOver && !sameClient) {
                return "the write lease of VM " + vmId + " is held by " + writerName + " since " + writerSince
                        + " (take it over explicitly to type)";
            }
            writer = h;
            writerName = name;
            writerSince = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            if (holder != null && holder != h) {
                holder.leaseLost(name);
            }
            return null;
        }

        /** Gives up the write lease if {@code h} holds it. */
        void releaseLease(ConsoleServerHandler h) {
            inputLock.lock();
            try {
                if (writer == h) {
                    writer = null;
                    writerName = null;
                    writerSince = null;
                }
            } finally {
                inputLock.unlock();
            }
        }
    }

    /**
     * Listens on {@code bind} (port 0 picks a free port; see {@link #address()}); only clients {@code auth} admits
     * are served.
     */
    public ConsoleServer(InetSocketAddress bind, ConsoleServerConfig config, ConsoleAuth auth)
            throws InterruptedException {
        this.config = Objects.requireNonNull(config, "config");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.group = Transports.group(config.ioThreads());
        try {
            this.server = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes()))
                    .childHandler(new ConsoleServerInitializer(this))
                    .bind(bind).sync().channel();
        } catch (RuntimeException | InterruptedException | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("console endpoint listening on {}", address());
    }

    /** The bound address (with the actual port when bound to port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public ConsoleServerConfig config() {
        return config;
    }

    /** Who may attach, and how many were refused. */
    public ConsoleAuth auth() {
        return auth;
    }

    /** Refusal counters and the last close reason, for logs, metrics and tests. */
    public ConsoleFraming.Stats stats() {
        return stats;
    }

    /**
     * Serves {@code vmId}'s console from {@code backend}. A backend already attached for the VM is detached first
     * (its connections get BYE and reconnect).
     */
    public void attach(String vmId, ConsoleBackend backend) {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(backend, "backend");
        if (closed) {
            throw new IllegalStateException("console server closed");
        }
        VmConsole previous = vms.put(vmId, new VmConsole(vmId, backend));
        if (previous != null) {
            end(previous, "console backend replaced on this host");
        }
        LOG.info("console for VM {} attached", vmId);
    }

    /**
     * Stops serving {@code vmId} here: its connections get BYE with {@code reason} (and {@code hint}, may be empty,
     * where the console is now) and are closed; new connections get UNKNOWN_VM. Returns whether it was attached.
     */
    public boolean detach(String vmId, String hint, String reason) {
        VmConsole vm = vms.remove(vmId);
        if (vm == null) {
            return false;
        }
        vm.detached = true;
        for (ConsoleServerHandler h : vm.connections) {
            h.end(hint, reason);
        }
        LOG.info("console for VM {} detached: {}", vmId, reason);
        return true;
    }

    private void end(VmConsole vm, String reason) {
        vm.detached = true;
        for (ConsoleServerHandler h : vm.connections) {
            h.end("", reason);
        }
    }

    /** How many client connections are open (all VMs). */
    public int connectionCount() {
        return connections.size();
    }

    VmConsole lookup(String vmId) {
        return vms.get(vmId);
    }

    void opened(ConsoleServerHandler h) {
        connections.add(h);
        if (closed) {
            h.end("", "console server shutting down");
        }
    }

    void closedConnection(ConsoleServerHandler h) {
        connections.remove(h);
    }

    /** Says BYE to every connection, stops listening, and releases the threads (bounded waits). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (ConsoleServerHandler h : connections) {
            h.end("", "console server shutting down");
        }
        vms.values().forEach(vm -> vm.detached = true);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        LOG.info("console endpoint {} closed", server.localAddress());
    }
}
