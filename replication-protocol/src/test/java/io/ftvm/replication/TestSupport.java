package io.ftvm.replication;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Loopback addresses, bounded waits and the test PKI (src/test/resources/tls, made by make-certs.sh). */
final class TestSupport {
    private TestSupport() {
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(2);
        }
    }

    static Path tlsFile(String name) {
        try {
            return Path.of(TestSupport.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** TLS settings for a host presenting {@code cert} (.pem/.key) and trusting {@code ca}. */
    static ConnectionSettings tls(String cert, String ca) {
        return ConnectionSettings.defaults().withTls(new TlsConfig(tlsFile(cert + ".pem"), tlsFile(cert + ".key"),
                tlsFile(ca + ".pem")));
    }
}
