package io.ftvm.vmm.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GDB server against clients that misbehave: a broken packet, a bad checksum, a client that leaves in the middle
 * of a long continue, packets the server does not know. Each is dealt with and the next client is served.
 */
class DebugServerTest {
    private DebugServer server;
    private Thread serving;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = new DebugServer(new KvstoreRecording().session(100_000, 16),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        serving = new Thread(() -> {
            try {
                server.serve(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        serving.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(10_000);
    }

    private Socket connect() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    private static String packet(String data) {
        int sum = 0;
        for (char c : data.toCharArray()) {
            sum += c;
        }
        return "$" + data + "#" + String.format("%02x", sum & 0xff);
    }

    /** Sends {@code raw} and reads the answer up to its checksum. */
    private static String ask(Socket s, String raw) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder got = new StringBuilder();
        int hashAt = -1;
        while (hashAt < 0 || got.length() < hashAt + 3) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            got.append((char) c);
            if (c == '#' && hashAt < 0 && got.indexOf("$") >= 0) {
                hashAt = got.length() - 1;
            }
        }
        return got.toString();
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!log.toString(StandardCharsets.UTF_8).contains(text)) {
            assertThat(System.nanoTime()).as("server log: %s", log).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aClientThatBreaksTheFramingIsDisconnectedAndTheNextServed() throws Exception {
        try (Socket bad = connect()) {
            bad.getOutputStream().write("$g#zz".getBytes(StandardCharsets.ISO_8859_1));
            bad.getOutputStream().flush();
            assertThat(bad.getInputStream().read()).as("closed").isEqualTo(-1);
        }
        awaitLog("broke the protocol: a packet's checksum is not two hex digits");
        try (Socket good = connect()) {
            assertThat(ask(good, "$g#00" + packet("?"))).as("a bad checksum is refused, the resend answered")
                    .isEqualTo("-+" + packet("S05"));
            assertThat(ask(good, packet("qUnknownThing"))).isEqualTo("+" + packet(""));
            assertThat(ask(good, packet("M80000000,4:00000000"))).as("a replay is read-only")
                    .isEqualTo("+" + packet("E01"));
            assertThat(ask(good, packet("mnot-hex,4"))).isEqualTo("+" + packet("E22"));
            assertThat(ask(good, packet("m0,8"))).as("below RAM").isEqualTo("+" + packet("E14"));
            assertThat(ask(good, packet("p4000"))).as("no such register").isEqualTo("+" + packet("E45"));
        }
    }

    @Test
    void ctrlCStopsAContinueWithSigint() throws Exception {
        try (Socket s = connect()) {
            // a read watchpoint nothing reads: the continue steps through the whole recording, unless interrupted
            assertThat(ask(s, packet("Z3,10,8"))).isEqualTo("+" + packet("OK"));
            s.getOutputStream().write(packet("c").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(30);
            String stop = ask(s, "\u0003");
            assertThat(stop).isEqualTo("+" + packet("T02"));
            assertThat(ask(s, packet("?"))).isEqualTo("+" + packet("T02"));
        }
    }

    @Test
    void aClientLeavingDuringAContinueDoesNotStopTheServer() throws Exception {
        try (Socket leaving = connect()) {
            // a read watchpoint nothing reads: the continue steps through the whole recording
            assertThat(ask(leaving, packet("Z3,10,8"))).isEqualTo("+" + packet("OK"));
            leaving.getOutputStream().write(packet("c").getBytes(StandardCharsets.ISO_8859_1));
            leaving.getOutputStream().flush();
            Thread.sleep(50);
        }
        awaitLog("disconnected (replay at icount");
        try (Socket next = connect()) {
            assertThat(ask(next, packet("qRcmd," + java.util.HexFormat.of().formatHex("icount".getBytes(
                    StandardCharsets.UTF_8))))).startsWith("+$O");
        }
    }
}
