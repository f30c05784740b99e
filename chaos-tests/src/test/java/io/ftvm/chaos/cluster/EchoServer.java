package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP echo server for the network tests, run as its own process (inside a host's namespace):
 * {@code EchoServer ADDRESS PORT}. Echoes every connection until the peer closes; exits after 120 s at the latest.
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) throws IOException {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
            while (true) {
                Socket c = s.accept();
                Thread t = new Thread(() -> echo(c));
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void echo(Socket c) {
        try (c) {
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the peer went away
        }
    }
}
