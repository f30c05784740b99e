package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleClientConfig;
import io.ftvm.replication.console.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Loopback addresses, bounded waits, quick timings, reference data. */
/** Shared by the console tests here and ft-cli's console command tests (ft-node's test jar). */
public final class TestSupport {
    public static final String VM = "vm-1";

    private TestSupport() {
    }

    public static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    public static Endpoint endpoint(ConsoleServer s) {
        return new Endpoint(s.address().getAddress().getHostAddress(), s.address().getPort());
    }

    public static ConsoleServer server(InMemoryConsoleBackend backend) throws InterruptedException {
        return server(backend, ConsoleServerConfig.defaults());
    }

    public static ConsoleServer server(InMemoryConsoleBackend backend, ConsoleServerConfig config)
            throws InterruptedException {
        ConsoleServer s = new ConsoleServer(loopback(), config, new ConsoleAuth(TOKEN));
        if (backend != null) {
            s.attach(VM, backend);
        }
        return s;
    }

    /** The console token the test servers admit. */
    public static final String TOKEN = "console-test-token-0123456789";

    /** A writer's config (the tests type): authenticated, with the write lease. */
    public static ConsoleClientConfig clientConfig(Endpoint... endpoints) {
        return ConsoleClientConfig.of(VM, List.of(endpoints)).withBackoff(Duration.ofMillis(10),
                Duration.ofMillis(200)).withCredential(TOKEN).withAccess(ConsoleAccess.WRITE);
    }

    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
