package io.ftvm.cli.console;

import java.io.ByteArrayOutputStream;

/**
 * What a terminal in cooked mode does for a line-oriented guest (the kvstore service, a shell without its own line
 * editing), for {@code ftctl console} while the real terminal is raw: typed bytes are echoed and collected into a
 * line, Backspace/Delete erases the last one, Ctrl-U the line, Enter (CR or LF) sends the line with a LF — the line
 * end the guest understands — and other control bytes (Ctrl-C, Ctrl-D, escape sequences) go to the guest at once.
 * Output gets a CR before every LF that lacks one, so lines start at the left margin on a raw terminal. Not
 * thread-safe: input and output each have their own side.
 */
final class LineDiscipline {
    private static final int BS = 0x08;
    private static final int DEL = 0x7f;
    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final int CTRL_U = 0x15;
    /** Longest line kept; beyond it the line is sent as it is (a paste of a long line still arrives whole). */
    static final int MAX_LINE = 4096;

    /** What typed bytes become: bytes for the guest and bytes to echo on the terminal. */
    record Typed(byte[] toGuest, byte[] echo) {
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lastOutputWasCr;

    /** Feeds typed bytes. */
    Typed type(byte[] b, int off, int len) {
        ByteArrayOutputStream guest = new ByteArrayOutputStream();
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c == CR || c == LF) {
                line.write(LF);
                guest.writeBytes(line.toByteArray());
                line.reset();
                echo.write(CR);
                echo.write(LF);
            } else if (c == BS || c == DEL) {
                if (line.size() > 0) {
                    byte[] kept = line.toByteArray();
                    line.reset();
                    line.write(kept, 0, kept.length - 1);
                    echo.writeBytes(new byte[] {BS, ' ', BS});
                }
            } else if (c == CTRL_U) {
                for (int k = 0; k < line.size(); k++) {
                    echo.writeBytes(new byte[] {BS, ' ', BS});
                }
                line.reset();
            } else if (c < 0x20) {
                guest.write(c); // control characters act at once (Ctrl-C, Ctrl-D, Tab, escape sequences)
            } else {
                line.write(c);
                echo.write(c);
                if (line.size() >= MAX_LINE) {
                    guest.writeBytes(line.toByteArray());
                    line.reset();
                }
            }
        }
        return new Typed(guest.toByteArray(), echo.toByteArray());
    }

    /** The part of a line typed but not sent yet (sent at end of input). */
    byte[] pending() {
        byte[] p = line.toByteArray();
        line.reset();
        return p;
    }

    /** Output for a raw terminal: a CR before each LF that lacks one. */
    byte[] output(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 16);
        for (byte x : b) {
            if (x == LF && !lastOutputWasCr) {
                out.write(CR);
            }
            out.write(x);
            lastOutputWasCr = x == CR;
        }
        return out.toByteArray();
    }
}
