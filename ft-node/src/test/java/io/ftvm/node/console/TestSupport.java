package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.replication.console.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Loopback addresses, bounded waits, quick timings, reference data. */
final class TestSupport {
    static final String VM = "vm-1";

    private TestSupport() {
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static Endpoint endpoint(ConsoleServer s) {
        return new Endpoint(s.address().getAddress().getHostAddress(), s.address().getPort());
    }

    static ConsoleServer server(InMemoryConsoleBackend backend) throws InterruptedException {
        ConsoleServer s = new ConsoleServer(loopback(), ConsoleServerConfig.defaults());
        if (backend != null) {
            s.attach(VM, backend);
        }
        return s;
    }

    static ConsoleClientConfig clientConfig(Endpoint... endpoints) {
        return ConsoleClientConfig.of(VM, List.of(endpoints)).withBackoff(Duration.ofMillis(10),
                Duration.ofMillis(200));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
