package io.ftvm.node.console;

import io.ftvm.replication.console.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a server that can "crash" the host behind it: {@link #crash()} resets every relayed
 * connection (no BYE, no FIN: an RST) and stops listening, so reconnects are refused, as with a dead host.
 */
final class CrashingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean crashed;

    CrashingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Endpoint endpoint() {
        return new Endpoint(listener.getInetAddress().getHostAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!crashed) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(upstream);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                return; // crashed or closed
            }
        }
    }

    private void relay(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0 && !crashed) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // cut
            }
            if (!crashed) {
                closeQuietly(to);
            }
        }, "proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    /** Resets every relayed connection and stops listening. */
    void crash() {
        crashed = true;
        closeQuietly(listener);
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // close sends RST
            } catch (IOException e) {
                // already closed
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        crash();
    }
}
