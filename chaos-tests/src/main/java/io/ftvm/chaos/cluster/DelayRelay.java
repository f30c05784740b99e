package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A TCP relay from {@code from} to {@code to} that delays what it forwards by the current {@link Latency}, in both
 * directions, keeping order. Each direction of a connection has a reader thread (which stamps every chunk with its
 * release time) and a writer thread (which sleeps until then). The forwarded connection is opened from the source
 * address {@code source} maps the client's address to (any, when it maps it to null), so the target, and a firewall
 * in front of it, can tell where relayed traffic came from.
 */
final class DelayRelay implements AutoCloseable {
    private static final byte[] EOF = new byte[0];

    private final ServerSocket listener;
    private final InetSocketAddress to;
    private final Supplier<Latency> latency;
    private final UnaryOperator<InetAddress> source;
    private final SplittableRandom random;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** A chunk and the moment it may be written. */
    private record Chunk(byte[] bytes, long releaseAt) {
    }

    DelayRelay(InetSocketAddress from, InetSocketAddress to, Supplier<Latency> latency,
            UnaryOperator<InetAddress> source, long seed) throws IOException {
        this.to = to;
        this.latency = latency;
        this.source = source;
        this.random = new SplittableRandom(seed);
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(from, 64);
        daemon(this::accept, "relay-" + from.getPort()).start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            SplittableRandom r;
            synchronized (random) {
                r = random.split();
            }
            // connect off the accept loop: a target behind a cut drops the SYN, and the connect waits its timeout
            daemon(() -> connect(client, r), "relay-connect").start();
        }
    }

    private void connect(Socket client, SplittableRandom r) {
        Socket server = new Socket();
        try {
            InetAddress from = source.apply(client.getInetAddress());
            if (from != null) {
                server.bind(new InetSocketAddress(from, 0));
            }
            server.connect(to, 2000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            sockets.add(client);
            sockets.add(server);
            if (listener.isClosed()) {
                throw new IOException("relay closed");
            }
            pipe(client, server, r.split());
            pipe(server, client, r.split());
        } catch (IOException e) {
            // the target is down or cut off: the client sees the connection close, as it would
            closeQuietly(server);
            closeQuietly(client);
            sockets.remove(client);
            sockets.remove(server);
        }
    }

    private void pipe(Socket from, Socket to, SplittableRandom r) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon(() -> {
            long last = 0;
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    Latency l = latency.get();
                    long at = l.none() ? 0 : Math.max(last, System.nanoTime() + l.sampleNanos(r));
                    last = at;
                    queue.add(new Chunk(Arrays.copyOf(buf, n), at));
                }
            } catch (IOException e) {
                // reset or closed
            }
            queue.add(new Chunk(EOF, last));
        }, "relay-read").start();
        daemon(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = queue.poll(60, TimeUnit.SECONDS);
                    if (c == null) {
                        if (from.isClosed()) {
                            break;
                        }
                        continue;
                    }
                    long wait = c.releaseAt() - System.nanoTime();
                    if (c.releaseAt() != 0 && wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (c.bytes() == EOF) {
                        break;
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "relay-write").start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    static InetSocketAddress address(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(host, e);
        }
    }
}
