package io.ftvm.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy for one connection that breaks it (closes both sides) after forwarding a given number of
 * bytes from the client to the server: a connection broken in the middle of a transfer.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicLong forwarded = new AtomicLong();
    private final Thread acceptor;
    private volatile Socket client;
    private volatile Socket server;

    CuttingProxy(InetSocketAddress target, long cutAfterBytes) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                client = listener.accept();
                server = new Socket(target.getAddress(), target.getPort());
                Thread back = new Thread(() -> pump(server, client, Long.MAX_VALUE), "proxy-back");
                back.setDaemon(true);
                back.start();
                pump(client, server, cutAfterBytes);
            } catch (IOException e) {
                // closed
            } finally {
                closeQuietly();
            }
        }, "proxy-forward");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    /** Bytes forwarded from client to server. */
    long forwarded() {
        return forwarded.get();
    }

    private void pump(Socket from, Socket to, long limit) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            long done = 0;
            while (done < limit) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, limit - done));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                done += n;
                if (limit != Long.MAX_VALUE) {
                    forwarded.addAndGet(n);
                }
            }
        } catch (IOException e) {
            // the other direction closed
        } finally {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        for (Socket s : new Socket[] {client, server}) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        closeQuietly();
    }
}
