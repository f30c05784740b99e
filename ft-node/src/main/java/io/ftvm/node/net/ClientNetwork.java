package io.ftvm.node.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A guest network on this machine for demos, tests and benchmarks: a bridge (where ftd hosts attach protected VMs'
 * NICs) and a client network namespace wired to it by a veth pair, with the client at {@code 10.0.2.2/24} (the
 * Linux guest is {@code 10.0.2.15}). Needs root ({@code CAP_NET_ADMIN} and {@code CAP_SYS_ADMIN}); everything is
 * removed on close.
 */
public final class ClientNetwork implements AutoCloseable {
    /** The client's address in its namespace. */
    public static final String CLIENT_ADDRESS = "10.0.2.2";
    /** The Linux guest's address (its init configures it). */
    public static final String GUEST_ADDRESS = "10.0.2.15";

    private final String bridge;
    private final String namespace;
    private final String vethHost;
    private boolean closed;

    private ClientNetwork(String tag) {
        this.bridge = "ftbr" + tag;
        this.namespace = "ftcl" + tag;
        this.vethHost = "ftva" + tag;
    }

    /**
     * Creates the bridge, the namespace and the veth pair; names carry {@code tag} (at most 10 characters).
     *
     * @throws NetworkSetupException naming the step that failed (nothing is left behind)
     */
    public static ClientNetwork create(String tag) throws NetworkSetupException {
        if (!tag.matches("[a-z0-9]{1,10}")) {
            throw new NetworkSetupException("tag '" + tag + "' must be 1 to 10 lower-case letters or digits");
        }
        ClientNetwork n = new ClientNetwork(tag);
        String vethClient = "ftvb" + tag;
        try {
            n.ip("link", "add", n.bridge, "type", "bridge");
            n.ip("link", "set", n.bridge, "up");
            n.ip("netns", "add", n.namespace);
            n.ip("link", "add", n.vethHost, "type", "veth", "peer", "name", vethClient);
            n.ip("link", "set", vethClient, "netns", n.namespace);
            n.ip("link", "set", n.vethHost, "master", n.bridge, "up");
            n.ip("netns", "exec", n.namespace, "ip", "addr", "add", CLIENT_ADDRESS + "/24", "dev", vethClient);
            n.ip("netns", "exec", n.namespace, "ip", "link", "set", vethClient, "up");
            n.ip("netns", "exec", n.namespace, "ip", "link", "set", "lo", "up");
            return n;
        } catch (NetworkSetupException e) {
            n.close();
            throw e;
        }
    }

    /** Whether this process may create bridges and namespaces (it runs as root). */
    public static boolean permitted() {
        return "root".equals(System.getProperty("user.name"));
    }

    public String bridge() {
        return bridge;
    }

    public String namespace() {
        return namespace;
    }

    /** Starts {@code command} inside the client namespace. */
    public ProcessBuilder inNamespace(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(command);
        return new ProcessBuilder(cmd);
    }

    /** A process running {@link KvTcpClient} against the guest from the namespace (its stdout is the report). */
    public ProcessBuilder kvClient(String classpath, long pauseMillis) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return inNamespace(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                KvTcpClient.class.getName(), GUEST_ADDRESS, "7000", Long.toString(pauseMillis)))
                .redirectErrorStream(true);
    }

    private void ip(String... args) throws NetworkSetupException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NetworkSetupException(String.join(" ", cmd) + ": did not finish within 20 s");
            }
            if (p.exitValue() != 0) {
                throw new NetworkSetupException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new NetworkSetupException("cannot run " + String.join(" ", cmd) + " (is iproute2 installed?): "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkSetupException(String.join(" ", cmd) + ": interrupted");
        }
    }

    private void quietly(String... args) {
        try {
            ip(args);
        } catch (NetworkSetupException ignored) {
            // removing what may not exist
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        quietly("netns", "del", namespace);
        quietly("link", "del", vethHost);
        quietly("link", "del", bridge);
    }
}
