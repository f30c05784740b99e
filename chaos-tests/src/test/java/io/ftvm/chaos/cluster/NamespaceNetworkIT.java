package io.ftvm.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace network does what the nemeses rely on: hosts reach each other through the relays and reach
 * ZooKeeper's addresses; a cut stops both (whichever way a connection goes, relayed or direct) and leaves the
 * harness's own traffic alone; a ZooKeeper cut stops only that; heavy packet loss stops a host's connections; healing
 * restores everything; and closing removes the namespaces. Needs root and iptables: skipped elsewhere, except under CI
 * (the {@code CI} variable set), where an unusable namespace network fails the test.
 */
class NamespaceNetworkIT {
    private final ProcessReaper reaper = new ProcessReaper();
    private NamespaceNetwork net;
    private RelayFabric fabric;
    private final List<String> said = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        Optional<String> why = NamespaceNetwork.unavailableBecause();
        if (System.getenv("CI") == null) {
            assumeTrue(why.isEmpty(), () -> "network namespaces unavailable: " + why.orElse(""));
        }
        assertThat(why).as("network namespaces usable under CI").isEmpty();
        net = NamespaceNetwork.open(3, 42, said::add);
        fabric = new RelayFabric(net, 1);
    }

    @AfterEach
    void close() {
        if (fabric != null) {
            fabric.close();
        }
        reaper.close();
        if (net != null) {
            net.close();
            String namespaces = Shell.run(List.of(Shell.locate("ip").orElseThrow(), "netns", "list"));
            assertThat(namespaces).doesNotContain(net.namespace(1).substring(0, net.namespace(1).length() - 1));
        }
    }

    @Test
    void cutsHealsAndLeavesTheHarnessAlone() throws Exception {
        int port = FreePorts.next();
        reaper.start(launch(2, "io.ftvm.chaos.cluster.EchoServer", net.bindAddress(2), Integer.toString(port)),
                dir.resolve("echo.log"));
        awaitEcho(net.bindAddress(2), port);
        fabric.relay(2, port);
        int back = FreePorts.next(); // a listener on host 1 too: a cut must stop the other direction as well
        reaper.start(launch(1, "io.ftvm.chaos.cluster.EchoServer", net.bindAddress(1), Integer.toString(back)),
                dir.resolve("echo-1.log"));
        awaitEcho(net.bindAddress(1), back);
        fabric.relay(1, back);
        assertThat(reaches(2, net.advertiseAddress(1), back)).as("host 2 -> relay of host 1").isTrue();
        assertThat(reaches(1, net.bindAddress(2), port)).as("host 1 -> host 2 directly").isTrue();
        assertThat(reaches(2, net.bindAddress(1), back)).as("host 2 -> host 1 directly").isTrue();

        assertThat(reaches(1, net.advertiseAddress(2), port)).as("host 1 -> relay of host 2").isTrue();
        assertThat(reaches(3, net.advertiseAddress(2), port)).as("host 3 -> relay of host 2").isTrue();

        net.firewall().orElseThrow().cut(1, 2);
        assertThat(reaches(1, net.advertiseAddress(2), port)).as("host 1 -> relay of host 2, cut").isFalse();
        assertThat(reaches(1, net.bindAddress(2), port)).as("host 1 -> host 2 directly, cut").isFalse();
        assertThat(reaches(2, net.advertiseAddress(1), back)).as("host 2 -> relay of host 1, cut").isFalse();
        assertThat(reaches(2, net.bindAddress(1), back)).as("host 2 -> host 1 directly, cut").isFalse();
        assertThat(reaches(3, net.advertiseAddress(2), port)).as("host 3 is not cut").isTrue();
        assertThat(echoes(net.advertiseAddress(2), port)).as("the harness's clients are not cut").isTrue();

        net.firewall().orElseThrow().heal(1);
        net.firewall().orElseThrow().heal(2);
        assertThat(reaches(1, net.advertiseAddress(2), port)).as("healed").isTrue();
        assertThat(reaches(2, net.advertiseAddress(1), back)).as("healed, the other way").isTrue();
        assertThat(reaches(1, net.bindAddress(2), port)).as("healed, directly").isTrue();
        assertThat(reaches(2, net.bindAddress(1), back)).as("healed, directly the other way").isTrue();

        net.firewall().orElseThrow().dropRandomly(1, 0.999);
        assertThat(reaches(1, net.advertiseAddress(2), port)).as("99.9 % loss").isFalse();
        net.firewall().orElseThrow().healAll();
        assertThat(reaches(1, net.advertiseAddress(2), port)).as("loss healed").isTrue();
    }

    @Test
    void aZooKeeperCutStopsOnlyZooKeeper() throws Exception {
        try (ServerSocket zk = new ServerSocket()) {
            zk.bind(new InetSocketAddress(InetAddress.getByName(net.zookeeperAddress(2)), 0));
            Thread accept = new Thread(() -> {
                while (!zk.isClosed()) {
                    try (Socket c = zk.accept()) {
                        c.getOutputStream().write('z');
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            assertThat(connects(1, net.zookeeperAddress(2), zk.getLocalPort())).isTrue();
            net.firewall().orElseThrow().cutFromZooKeeper(1);
            assertThat(connects(1, net.zookeeperAddress(2), zk.getLocalPort())).as("host 1 cut from ZooKeeper")
                    .isFalse();
            assertThat(connects(2, net.zookeeperAddress(2), zk.getLocalPort())).as("host 2 still reaches it")
                    .isTrue();
            net.firewall().orElseThrow().heal(1);
            assertThat(connects(1, net.zookeeperAddress(2), zk.getLocalPort())).isTrue();
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> net.firewall().orElseThrow().cut(1, 1)).hasMessageContaining("itself");
        assertThatThrownBy(() -> net.firewall().orElseThrow().dropRandomly(1, 1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> net.bindAddress(4)).hasMessageContaining("no host 4");
        assertThat(said).anyMatch(s -> s.contains(net.namespace(1)));
    }

    private List<String> launch(int host, String main, String... args) {
        List<String> c = new ArrayList<>(net.launcher(host));
        c.addAll(ProcessReaper.java("32m", main, args));
        return c;
    }

    /** Whether a connection from host {@code host}'s namespace gets an echo back within 3 s. */
    private boolean reaches(int host, String address, int port) {
        return inNamespace(host, "exec 3<>/dev/tcp/" + address + "/" + port
                + " && echo ping >&3 && read -t 2 line <&3 && [ \"$line\" = ping ]");
    }

    /** Whether a connection from host {@code host}'s namespace gets the one byte the listener sends within 3 s. */
    private boolean connects(int host, String address, int port) {
        return inNamespace(host, "exec 3<>/dev/tcp/" + address + "/" + port + " && head -c1 <&3 | grep -q z");
    }

    private boolean inNamespace(int host, String script) {
        List<String> c = new ArrayList<>(net.launcher(host));
        c.addAll(List.of("timeout", "3", "bash", "-c", script));
        return Shell.tryRun(c);
    }

    /** Whether the harness itself gets an echo from {@code address:port}. */
    private static boolean echoes(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("x".getBytes());
            out.flush();
            InputStream in = s.getInputStream();
            return in.read() == 'x';
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitEcho(String address, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!echoes(address, port)) {
            assertThat(System.nanoTime()).as("echo server up within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
