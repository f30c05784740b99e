package io.ftvm.chaos.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each ftd host in a network namespace of its own ({@code ftvm-chaos-<pid>-h<i>}), joined to a bridge in the
 * harness's namespace ({@code fcb<pid>}) by a veth pair, on a {@code 10.X.0.0/16} network chosen free at start:
 * <pre>
 *   10.X.0.i    host i (its namespace's eth0): its console, admin and replication endpoints listen here
 *   10.X.1.i    host i as advertised: the harness's relays for host i listen here (latency is added there)
 *   10.X.2.i    a relay's source address for a connection that came from host i (so host j sees who it is)
 *   10.X.3.k    ZooKeeper server k (in the harness's namespace)
 *   10.X.0.254  the harness (clients, admin scrapes)
 * </pre>
 * Every packet between hosts, and between a host and ZooKeeper, crosses its namespace's {@code FTVM_CHAOS_IN} or
 * {@code FTVM_CHAOS_OUT} iptables chain, where the {@link NamespaceFirewall} cuts or thins it; the harness's own
 * traffic (clients, health checks) is only touched by packet loss. Built by {@link #open}, torn down by {@link #close} (and namespaces left by
 * a harness that died are removed at the next start).
 */
public final class NamespaceNetwork implements Topology {
    /** The chain INPUT jumps to in every host's namespace. */
    static final String CHAIN_IN = "FTVM_CHAOS_IN";
    /** The chain OUTPUT jumps to in every host's namespace. */
    static final String CHAIN_OUT = "FTVM_CHAOS_OUT";
    private static final Pattern STALE_NS = Pattern.compile("^ftvm-chaos-(\\d+)-(h\\d+|probe)\\b");
    private static final Pattern STALE_BRIDGE = Pattern.compile("^\\d+: (fcb(\\d+))[:@]");

    private final String ip;
    private final String iptables;
    private final long pid;
    private final int subnet;
    private final int hosts;
    private final String bridge;
    private final List<String> namespaces = new ArrayList<>();
    private final NamespaceFirewall firewall;
    private boolean closed;

    private NamespaceNetwork(String ip, String iptables, int subnet, int hosts) {
        this.ip = ip;
        this.iptables = iptables;
        this.pid = ProcessHandle.current().pid();
        this.subnet = subnet;
        this.hosts = hosts;
        this.bridge = "fcb" + pid;
        for (int i = 1; i <= hosts; i++) {
            namespaces.add("ftvm-chaos-" + pid + "-h" + i);
        }
        this.firewall = new NamespaceFirewall(this);
    }

    /**
     * Why network namespaces cannot be used on this machine, or empty when they can: {@code ip} and {@code iptables}
     * must be installed and a namespace must be creatable (root, or CAP_SYS_ADMIN and CAP_NET_ADMIN).
     */
    public static Optional<String> unavailableBecause() {
        Optional<String> ip = Shell.locate("ip");
        if (ip.isEmpty()) {
            return Optional.of("'ip' (iproute2) is not installed");
        }
        if (Shell.locate("iptables").isEmpty()) {
            return Optional.of("'iptables' is not installed");
        }
        String probe = "ftvm-chaos-" + ProcessHandle.current().pid() + "-probe";
        try {
            Shell.run(List.of(ip.get(), "netns", "add", probe));
        } catch (NetworkSetupException e) {
            return Optional.of("cannot create a network namespace (" + e.getMessage() + ")");
        }
        String iptables = Shell.locate("iptables").get();
        try {
            Shell.run(List.of(ip.get(), "netns", "exec", probe, iptables, "-w", Shell.IPTABLES_WAIT_SECONDS, "-L",
                    "-n"));
        } catch (NetworkSetupException e) {
            return Optional.of("iptables does not work in a network namespace (" + e.getMessage() + ")");
        }
        try {
            // packet loss needs the statistic match (xt_statistic)
            Shell.run(List.of(ip.get(), "netns", "exec", probe, iptables, "-w", Shell.IPTABLES_WAIT_SECONDS, "-A",
                    "OUTPUT", "-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "ACCEPT"));
        } catch (NetworkSetupException e) {
            return Optional.of("iptables has no statistic match for packet loss (" + e.getMessage() + ")");
        } finally {
            Shell.tryRun(List.of(ip.get(), "netns", "delete", probe));
        }
        return Optional.empty();
    }

    /**
     * Builds the network for {@code hosts} hosts (removing what dead harnesses left first) and checks that host 1
     * reaches the harness; throws {@link NetworkSetupException} naming the step that failed, after undoing the rest.
     */
    public static NamespaceNetwork open(int hosts, long seed, Consumer<String> progress) {
        if (hosts < 1 || hosts > 200) {
            throw new IllegalArgumentException("hosts: " + hosts + " (1-200 in a namespace network)");
        }
        String ip = Shell.locate("ip").orElseThrow(() -> new NetworkSetupException("'ip' (iproute2) is not installed"));
        String iptables = Shell.locate("iptables")
                .orElseThrow(() -> new NetworkSetupException("'iptables' is not installed"));
        removeStale(ip, progress);
        NamespaceNetwork n = new NamespaceNetwork(ip, iptables, freeSubnet(ip, seed), hosts);
        try {
            n.build();
            n.checkReachable(1);
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        progress.accept("network namespaces " + n.namespaces.get(0) + " ... on 10." + n.subnet + ".0.0/16, bridge "
                + n.bridge);
        return n;
    }

    /** A second octet X whose 10.X.0.0/16 no interface of this namespace uses. */
    private static int freeSubnet(String ip, long seed) {
        String used = Shell.run(List.of(ip, "-o", "-4", "addr", "show"));
        SplittableRandom r = new SplittableRandom(seed);
        for (int attempt = 0; attempt < 200; attempt++) {
            int x = 64 + r.nextInt(128);
            if (!used.contains(" 10." + x + ".")) {
                return x;
            }
        }
        throw new NetworkSetupException("no free 10.X.0.0/16 network for the chaos hosts");
    }

    /** Deletes namespaces and bridges whose harness process is gone. */
    private static void removeStale(String ip, Consumer<String> progress) {
        for (String line : Shell.run(List.of(ip, "netns", "list")).split("\n")) {
            Matcher m = STALE_NS.matcher(line.trim());
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                String ns = line.trim().split("\\s+")[0];
                progress.accept("removing network namespace " + ns + " left by a harness that is gone");
                Shell.tryRun(List.of(ip, "netns", "delete", ns));
            }
        }
        for (String line : Shell.run(List.of(ip, "-o", "link", "show", "type", "bridge")).split("\n")) {
            Matcher m = STALE_BRIDGE.matcher(line.trim());
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                progress.accept("removing bridge " + m.group(1) + " left by a harness that is gone");
                Shell.tryRun(List.of(ip, "link", "delete", m.group(1)));
            }
        }
    }

    private void build() {
        Shell.run(List.of(ip, "link", "add", bridge, "type", "bridge"));
        addAddress(gateway());
        for (int i = 1; i <= hosts; i++) {
            addAddress(address(1, i));
            addAddress(address(2, i));
        }
        for (int k = 1; k <= 3; k++) {
            addAddress(address(3, k));
        }
        Shell.run(List.of(ip, "link", "set", bridge, "up"));
        for (int i = 1; i <= hosts; i++) {
            String ns = namespace(i);
            String veth = "fc" + pid + "h" + i;
            Shell.run(List.of(ip, "netns", "add", ns));
            Shell.run(List.of(ip, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns));
            Shell.run(List.of(ip, "link", "set", veth, "master", bridge, "up"));
            Shell.run(List.of(ip, "-n", ns, "addr", "add", address(0, i) + "/16", "dev", "eth0"));
            Shell.run(List.of(ip, "-n", ns, "link", "set", "lo", "up"));
            Shell.run(List.of(ip, "-n", ns, "link", "set", "eth0", "up"));
            String w = Shell.IPTABLES_WAIT_SECONDS;
            inNamespace(i, List.of(iptables, "-w", w, "-N", CHAIN_IN));
            inNamespace(i, List.of(iptables, "-w", w, "-N", CHAIN_OUT));
            inNamespace(i, List.of(iptables, "-w", w, "-A", "INPUT", "-j", CHAIN_IN));
            inNamespace(i, List.of(iptables, "-w", w, "-A", "OUTPUT", "-j", CHAIN_OUT));
        }
    }

    private void addAddress(String address) {
        Shell.run(List.of(ip, "addr", "add", address + "/16", "dev", bridge));
    }

    /** A TCP connection from host {@code i}'s namespace to the harness must succeed (bounded by 5 s). */
    private void checkReachable(int i) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 4, InetAddress.getByName(gateway()))) {
            s.setSoTimeout(10_000);
            Thread accept = new Thread(() -> {
                try (java.net.Socket c = s.accept()) {
                    c.getOutputStream().write('k');
                } catch (java.io.IOException e) {
                    // the command below reports the failure
                }
            }, "netns-check");
            accept.setDaemon(true);
            accept.start();
            inNamespace(i, List.of("timeout", "5", "bash", "-c",
                    "exec 3<>/dev/tcp/" + gateway() + "/" + s.getLocalPort() + " && head -c1 <&3 >/dev/null"));
        } catch (java.io.IOException e) {
            throw new NetworkSetupException("cannot listen on " + gateway() + ": " + e.getMessage(), e);
        } catch (NetworkSetupException e) {
            throw new NetworkSetupException("host 1's namespace does not reach the harness at " + gateway() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Runs {@code command} inside host {@code i}'s namespace. */
    void inNamespace(int i, List<String> command) {
        List<String> c = new ArrayList<>(List.of(ip, "netns", "exec", namespace(i)));
        c.addAll(command);
        Shell.run(c);
    }

    String iptables() {
        return iptables;
    }

    int hosts() {
        return hosts;
    }

    String namespace(int i) {
        if (i < 1 || i > hosts) {
            throw new IllegalArgumentException("no host " + i + " (1-" + hosts + ")");
        }
        return namespaces.get(i - 1);
    }

    /** {@code 10.X.part.n}. */
    String address(int part, int n) {
        return "10." + subnet + "." + part + "." + n;
    }

    String gateway() {
        return address(0, 254);
    }

    /** Every ZooKeeper server's address as one iptables source/destination list. */
    String zookeeperRange() {
        return address(3, 0) + "/24";
    }

    @Override
    public String name() {
        return "netns";
    }

    @Override
    public String bindAddress(int host) {
        namespace(host);
        return address(0, host);
    }

    @Override
    public String advertiseAddress(int host) {
        namespace(host);
        return address(1, host);
    }

    @Override
    public OptionalInt hostAdvertisedAt(String address) {
        for (int i = 1; i <= hosts; i++) {
            if (address(1, i).equals(address)) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public List<String> launcher(int host) {
        return List.of(ip, "netns", "exec", namespace(host));
    }

    @Override
    public String zookeeperAddress(int server) {
        if (server < 1 || server > 3) {
            throw new IllegalArgumentException("no ZooKeeper server " + server);
        }
        return address(3, server);
    }

    /** A connection from host i is forwarded from 10.X.2.i; anything else (the harness's clients) from the gateway. */
    @Override
    public InetAddress relaySource(InetAddress peer) {
        String p = peer.getHostAddress();
        for (int i = 1; i <= hosts; i++) {
            if (address(0, i).equals(p)) {
                return inet(address(2, i));
            }
        }
        return inet(gateway());
    }

    private static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Override
    public Optional<Firewall> firewall() {
        return Optional.of(firewall);
    }

    /** Deletes the namespaces (and with them the veth pairs) and the bridge; reports nothing, throws nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String ns : namespaces) {
            Shell.tryRun(List.of(ip, "netns", "delete", ns));
        }
        Shell.tryRun(List.of(ip, "link", "delete", bridge));
    }
}
