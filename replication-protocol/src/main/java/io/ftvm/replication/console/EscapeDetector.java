package io.ftvm.replication.console;

import java.io.ByteArrayOutputStream;

/**
 * Finds the console client's escape sequence in typed input: the escape byte (Ctrl-], 0x1d) then {@code q} quits;
 * the escape byte twice sends one escape byte; the escape byte then anything else sends both. An escape byte at the
 * end of one read waits for the next read. Pure.
 */
public final class EscapeDetector {
    /** Ctrl-]. */
    public static final byte ESCAPE = 0x1d;

    /** What to send to the VM, and whether the user asked to quit (input after the quit is dropped). */
    public record Result(byte[] toSend, boolean quit) {
    }

    private boolean afterEscape;

    public Result feed(byte[] buf, int off, int len) {
        ByteArrayOutputStream send = new ByteArrayOutputStream(len);
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (afterEscape) {
                afterEscape = false;
                if (b == 'q' || b == 'Q') {
                    return new Result(send.toByteArray(), true);
                }
                send.write(ESCAPE);
                if (b != ESCAPE) {
                    send.write(b);
                }
            } else if (b == ESCAPE) {
                afterEscape = true;
            } else {
                send.write(b);
            }
        }
        return new Result(send.toByteArray(), false);
    }
}
