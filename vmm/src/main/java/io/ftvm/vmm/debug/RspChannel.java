package io.ftvm.vmm.debug;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GDB's remote serial protocol framing on one connection: packets {@code $data#cc} (checksum: the sum of the data
 * bytes modulo 256, two hex digits), acknowledged with {@code +} (or {@code -}: send again) until the client asks for
 * no-ack mode; {@code }} escapes {@code #$}*} in binary data (byte XOR 0x20); a lone 0x03 byte is an interrupt
 * (Ctrl-C). A packet with a bad checksum is answered with {@code -} (GDB sends it again); a packet that is not
 * closed within {@link #MAX_PACKET} bytes or has a non-hex checksum is a {@link RspException}.
 */
final class RspChannel {
    /** The largest packet accepted (GDB is told a smaller PacketSize). */
    static final int MAX_PACKET = 1 << 17;

    /** A protocol violation by the client; the message names it. */
    static final class RspException extends IOException {
        RspException(String message) {
            super(message);
        }
    }

    /** Told of a Ctrl-C (0x03) from the reading thread. */
    @FunctionalInterface
    interface InterruptListener {
        void interrupted();
    }

    private final InputStream in;
    private final OutputStream out;
    private boolean noAck;
    private int badChecksums;

    RspChannel(InputStream in, OutputStream out) {
        this.in = new BufferedInputStream(in);
        this.out = out;
    }

    void noAckMode() {
        noAck = true;
    }

    int badChecksums() {
        return badChecksums;
    }

    /**
     * The next packet's data (escapes undone), or null at the end of the stream. Acknowledgements and interrupts
     * between packets go to {@code interrupts} (0x03) or are skipped ({@code +}, {@code -}).
     */
    byte[] readPacket(InterruptListener interrupts) throws IOException {
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == 0x03) {
                interrupts.interrupted();
                continue;
            }
            if (c != '$') {
                continue; // '+', '-', or line noise between packets
            }
            java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
            int sum = 0;
            boolean escaped = false;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (b == '#' && !escaped) {
                    break;
                }
                sum += b;
                if (data.size() >= MAX_PACKET) {
                    throw new RspException("a packet longer than " + MAX_PACKET + " bytes (no '#' ends it)");
                }
                if (escaped) {
                    data.write(b ^ 0x20);
                    escaped = false;
                } else if (b == '}') {
                    escaped = true;
                } else {
                    data.write(b);
                }
            }
            int hi = Character.digit(in.read(), 16);
            int lo = Character.digit(in.read(), 16);
            if (hi < 0 || lo < 0) {
                throw new RspException("a packet's checksum is not two hex digits");
            }
            if (((hi << 4) | lo) != (sum & 0xff)) {
                badChecksums++;
                if (!noAck) {
                    acknowledge('-');
                }
                continue;
            }
            if (!noAck) {
                acknowledge('+');
            }
            return data.toByteArray();
        }
    }

    private synchronized void acknowledge(int c) throws IOException {
        out.write(c);
        out.flush();
    }

    /** Sends {@code data} as one packet (escaping what must be escaped). */
    synchronized void send(String data) throws IOException {
        send(data.getBytes(StandardCharsets.ISO_8859_1));
    }

    synchronized void send(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream(data.length + 8);
        p.write('$');
        int sum = 0;
        for (byte d : data) {
            int b = d & 0xff;
            if (b == '#' || b == '$' || b == '}' || b == '*') {
                p.write('}');
                sum += '}';
                b ^= 0x20;
            }
            p.write(b);
            sum += b;
        }
        p.write('#');
        p.write(Character.forDigit((sum >> 4) & 0xf, 16));
        p.write(Character.forDigit(sum & 0xf, 16));
        out.write(p.toByteArray());
        out.flush();
    }
}
