package io.ftvm.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The cooked-terminal behaviour for line-oriented guests: Enter as CR (what a raw terminal sends) arrives as a line
 * feed, typed characters are echoed, Backspace and Ctrl-U edit the line before it is sent, control characters go at
 * once, and output lines get CR LF without doubling an existing CR.
 */
class LineDisciplineTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void enterSendsTheEditedLineWithALineFeed() {
        LineDiscipline d = new LineDiscipline();
        LineDiscipline.Typed t = d.type(ascii("set a 1"), 0, 7);
        assertThat(t.toGuest()).as("nothing sent before Enter").isEmpty();
        assertThat(text(t.echo())).isEqualTo("set a 1");
        t = d.type(ascii("\u007f2\r"), 0, 3);
        assertThat(text(t.toGuest())).isEqualTo("set a 2\n");
        assertThat(text(t.echo())).isEqualTo("\b \b2\r\n");
        t = d.type(ascii("get x\u0015get a\n"), 0, 12);
        assertThat(text(t.toGuest())).as("Ctrl-U erased the line").isEqualTo("get a\n");
    }

    @Test
    void controlCharactersGoAtOnceAndEndOfInputFlushesTheLine() {
        LineDiscipline d = new LineDiscipline();
        LineDiscipline.Typed t = d.type(ascii("abc\u0003"), 0, 4);
        assertThat(text(t.toGuest())).isEqualTo("\u0003");
        assertThat(text(d.pending())).isEqualTo("abc");
        assertThat(d.pending()).isEmpty();
        assertThat(d.type(ascii("\b"), 0, 1).echo()).as("nothing to erase").isEmpty();
    }

    @Test
    void outputLinesGetCarriageReturnsOnce() {
        LineDiscipline d = new LineDiscipline();
        assertThat(text(d.output(ascii("ok\nvalue 1\r\n")))).isEqualTo("ok\r\nvalue 1\r\n");
        assertThat(text(d.output(ascii("\r")))).isEqualTo("\r");
        assertThat(text(d.output(ascii("\n")))).as("the CR came in the previous chunk").isEqualTo("\n");
    }

    @Test
    void aVeryLongLineIsSentWhenFull() {
        LineDiscipline d = new LineDiscipline();
        byte[] paste = ascii("x".repeat(LineDiscipline.MAX_LINE + 10));
        LineDiscipline.Typed t = d.type(paste, 0, paste.length);
        assertThat(t.toGuest()).hasSize(LineDiscipline.MAX_LINE);
        assertThat(d.pending()).hasSize(10);
    }
}
