package io.ftvm.vmm.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The remote protocol's framing: checksums, acknowledgements, escapes, interrupts, and what a bad client sends. */
class RspChannelTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicInteger interrupts = new AtomicInteger();

    private RspChannel channel(String in) {
        return new RspChannel(new ByteArrayInputStream(in.getBytes(StandardCharsets.ISO_8859_1)), out);
    }

    private String read(RspChannel c) throws Exception {
        byte[] p = c.readPacket(interrupts::incrementAndGet);
        return p == null ? null : new String(p, StandardCharsets.ISO_8859_1);
    }

    private static String packet(String data) {
        int sum = 0;
        for (char ch : data.toCharArray()) {
            sum += ch;
        }
        return "$" + data + "#" + String.format("%02x", sum & 0xff);
    }

    @Test
    void packetsAreCheckedAndAcknowledged() throws Exception {
        RspChannel c = channel("+" + packet("qSupported:swbreak+") + packet("g"));
        assertThat(read(c)).isEqualTo("qSupported:swbreak+");
        assertThat(read(c)).isEqualTo("g");
        assertThat(read(c)).as("end of stream").isNull();
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("++");
    }

    @Test
    void aBadChecksumIsRefusedAndTheResendTaken() throws Exception {
        RspChannel c = channel("$g#00$g#67");
        assertThat(read(c)).isEqualTo("g");
        assertThat(c.badChecksums()).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("-+");
    }

    @Test
    void noAckModeSendsNoAcknowledgements() throws Exception {
        RspChannel c = channel("$g#67");
        c.noAckMode();
        assertThat(read(c)).isEqualTo("g");
        assertThat(out.size()).isZero();
    }

    @Test
    void ctrlCBetweenPacketsIsAnInterrupt() throws Exception {
        RspChannel c = channel("\u0003$g#67");
        assertThat(read(c)).isEqualTo("g");
        assertThat(interrupts).hasValue(1);
    }

    @Test
    void escapesAreUndoneAndAppliedBothWays() throws Exception {
        // "X}" escaped: '}' then ('}' ^ 0x20) = ']'; the checksum covers the bytes as sent
        String body = "X}]";
        int sum = 0;
        for (char ch : body.toCharArray()) {
            sum += ch;
        }
        RspChannel c = channel("$" + body + "#" + String.format("%02x", sum & 0xff));
        assertThat(read(c)).isEqualTo("X}");
        out.reset();
        c.noAckMode();
        c.send("a#b$c}d*");
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).startsWith("$a}\u0003b}\u0004c}]d}\n#");
    }

    @Test
    void framingViolationsAreNamed() {
        assertThatThrownBy(() -> read(channel("$g#zz"))).isInstanceOf(RspChannel.RspException.class)
                .hasMessageContaining("checksum is not two hex digits");
        String endless = "$" + "a".repeat(RspChannel.MAX_PACKET + 1);
        assertThatThrownBy(() -> read(channel(endless))).isInstanceOf(RspChannel.RspException.class)
                .hasMessageContaining("longer than");
    }
}
