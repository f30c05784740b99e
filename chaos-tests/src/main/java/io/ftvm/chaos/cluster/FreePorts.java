package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on loopback (asked of the kernel; a port is free when returned, not reserved). A port is only
 * returned when it is free on 127.0.0.1 and on {@link LoopbackTopology#ADVERTISED} too, where its relay will listen (another
 * run on this machine may hold relays there).
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** A port nothing listens on at the moment, on either loopback address. */
    public static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
            try (ServerSocket relay = new ServerSocket()) {
                relay.bind(new InetSocketAddress(InetAddress.getByName(LoopbackTopology.ADVERTISED), port), 1);
                return port;
            } catch (IOException e) {
                // taken on the relay address: try another
            }
        }
        throw new IllegalStateException("no port free on both 127.0.0.1 and " + LoopbackTopology.ADVERTISED
                + " in 100 attempts");
    }
}
