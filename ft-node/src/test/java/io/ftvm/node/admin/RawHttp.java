package io.ftvm.node.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** A plain socket speaking just enough HTTP/1.1 to send partial or hostile requests; every read is bounded. */
final class RawHttp implements AutoCloseable {
    private final Socket socket = new Socket();

    /** A response: the status code, the raw head and the body (by Content-Length). */
    record Reply(int status, String head, String body) {
    }

    RawHttp(InetSocketAddress to) throws IOException {
        socket.connect(to, 5_000);
        socket.setSoTimeout(5_000);
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one response (fails after the socket timeout). */
    Reply read() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.size() + " bytes of a response head");
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Reply(Integer.parseInt(h.substring(9, 12)), h, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Whether the server closes the connection within {@code within} (end of stream or a reset), reading and
     * discarding whatever it sends meanwhile.
     */
    boolean closedWithin(Duration within) throws IOException {
        long end = System.nanoTime() + within.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < end) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open: keep waiting
            } catch (SocketException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
