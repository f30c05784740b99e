package io.ftvm.vmm.debug;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A GDB remote-protocol server over one {@link ReplaySession}: serves one client at a time, and the next one when it
 * leaves (the replay stays where the last one left it). Each connection has a reading thread (which also sees
 * Ctrl-C while the replay runs) and hands every packet to the one engine thread that owns the session. A client that
 * breaks the framing is told so on the log and disconnected; the server goes on.
 */
public final class DebugServer implements AutoCloseable {
    private final ReplaySession session;
    private final ServerSocket server;
    private final ExecutorService engine = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ftvm-debug-engine");
        t.setDaemon(true);
        return t;
    });
    private final PrintStream log;

    /** Binds {@code bind} (port 0: any free port); {@code log} gets one line per client and per problem. */
    public DebugServer(ReplaySession session, InetSocketAddress bind, PrintStream log) throws IOException {
        this.session = session;
        this.log = log;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 1);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Serves clients until {@link #close}, or until the first client leaves when {@code once}. */
    public void serve(boolean once) throws InterruptedException {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                log.println("ftvm debug: accept failed: " + e.getMessage());
                continue;
            }
            serveClient(client);
            if (once) {
                return;
            }
        }
    }

    private void serveClient(Socket client) throws InterruptedException {
        String who = String.valueOf(client.getRemoteSocketAddress());
        log.println("ftvm debug: GDB connected from " + who);
        try (client) {
            client.setTcpNoDelay(true);
            RspChannel channel = new RspChannel(client.getInputStream(), client.getOutputStream());
            GdbStub stub = new GdbStub(session, channel);
            Future<?> last = null;
            while (true) {
                byte[] packet = channel.readPacket(stub::interrupt);
                if (packet == null) {
                    break;
                }
                if (ResumeCommands.resumes(packet)) {
                    session.clearInterrupt(); // a Ctrl-C from now on stops this resume, even before it starts
                }
                last = engine.submit(() -> {
                    stub.handle(packet);
                    if (stub.detached()) {
                        client.shutdownInput(); // ends the reading loop
                    }
                    return null;
                });
                if (!ResumeCommands.resumes(packet)) {
                    last.get(); // answers come back in order; only a running replay is read past (for Ctrl-C)
                }
            }
            if (last != null) {
                session.interrupt(); // a continue still running for a client that left
                try {
                    last.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof IOException)) {
                        throw e; // its answer could not be sent: expected, the client is gone
                    }
                }
            }
            log.println("ftvm debug: GDB at " + who + " disconnected (replay at icount " + session.icount() + ")");
        } catch (RspChannel.RspException e) {
            log.println("ftvm debug: GDB at " + who + " broke the protocol: " + e.getMessage() + "; disconnected");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                log.println("ftvm debug: connection to " + who + " lost: " + c.getMessage());
            } else {
                log.println("ftvm debug: internal error serving " + who + ": " + c);
                c.printStackTrace(log);
            }
        } catch (SocketException e) {
            log.println("ftvm debug: connection to " + who + " lost: " + e.getMessage());
        } catch (IOException e) {
            log.println("ftvm debug: connection to " + who + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            session.interrupt();
            engine.shutdownNow();
        }
    }

    /** Which packets set the replay running (their answer comes when it stops). */
    static final class ResumeCommands {
        private ResumeCommands() {
        }

        static boolean resumes(byte[] p) {
            if (p.length == 0) {
                return false;
            }
            char c = (char) p[0];
            if (c == 'c' || c == 's') {
                return true;
            }
            if (c == 'b') {
                return p.length == 2 && (p[1] == 'c' || p[1] == 's');
            }
            String s = new String(p, 0, Math.min(p.length, 8), java.nio.charset.StandardCharsets.ISO_8859_1);
            return s.startsWith("vCont;");
        }
    }
}
