package io.ftvm.replication.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a client places, resends and trims its input across connections. */
class ClientInputBufferTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String s(ConsoleMessage.Input in) {
        return in == null ? null : in.offset() + ":" + new String(in.bytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void bytesArePlacedAtTheFirstWelcomeAndResentFromTheNextServersPoint() throws Exception {
        ClientInputBuffer buf = new ClientInputBuffer(1 << 16);
        buf.append(b("abc"), Duration.ZERO);
        assertThat(buf.nextToSend(100)).isNull(); // not connected
        assertThat(buf.helloInputFrom()).isEqualTo(ConsoleMessage.NO_INPUT);
        assertThat(buf.onWelcome(10, 10)).isZero();
        assertThat(s(buf.nextToSend(2))).isEqualTo("10:ab");
        assertThat(s(buf.nextToSend(100))).isEqualTo("12:c");
        assertThat(buf.nextToSend(100)).isNull();
        buf.onAck(11);
        assertThat(buf.pending()).isEqualTo(2);
        buf.append(b("de"), Duration.ZERO);
        buf.disconnected();
        assertThat(buf.helloInputFrom()).isEqualTo(11); // b, c sent and unacknowledged
        buf.onWelcome(12, 12); // the new server has b durable already
        assertThat(s(buf.nextToSend(100))).isEqualTo("12:cde");
        buf.onAck(15);
        assertThat(buf.pending()).isZero();
        assertThat(buf.awaitDrained(Duration.ZERO)).isTrue();
        assertThat(buf.acked()).isEqualTo(15);
    }

    @Test
    void anAckForAnotherWritersBytesDoesNotDropUnsentOnes() throws Exception {
        ClientInputBuffer buf = new ClientInputBuffer(1 << 16);
        buf.onWelcome(0, 0);
        buf.append(b("xy"), Duration.ZERO);
        buf.onAck(50); // someone else's input made durable
        assertThat(buf.pending()).isEqualTo(2);
        assertThat(s(buf.nextToSend(100))).isEqualTo("0:xy"); // the server will call it a conflict
        assertThat(buf.onConflict(0)).isEqualTo(2);
        assertThat(buf.pending()).isZero();
    }

    @Test
    void unsentBytesMoveUpWhenNothingSentRemains() throws Exception {
        ClientInputBuffer buf = new ClientInputBuffer(1 << 16);
        buf.onWelcome(5, 5);
        buf.append(b("q"), Duration.ZERO);
        buf.disconnected();
        assertThat(buf.helloInputFrom()).isEqualTo(ConsoleMessage.NO_INPUT);
        buf.onWelcome(9, 9);
        assertThat(s(buf.nextToSend(100))).isEqualTo("9:q");
    }

    @Test
    void aServerBehindWhatWasAcknowledgedIsReported() throws Exception {
        ClientInputBuffer buf = new ClientInputBuffer(1 << 16);
        buf.onWelcome(20, 20);
        buf.disconnected();
        assertThat(buf.onWelcome(15, 15)).isEqualTo(5);
    }

    @Test
    void appendWaitsForRoomBoundedly() throws Exception {
        ClientInputBuffer buf = new ClientInputBuffer(4);
        assertThat(buf.append(b("abcd"), Duration.ZERO)).isTrue();
        assertThat(buf.append(b("e"), Duration.ofMillis(20))).isFalse();
        buf.onWelcome(0, 0);
        buf.nextToSend(100);
        buf.onAck(2);
        assertThat(buf.append(b("ef"), Duration.ZERO)).isTrue();
        assertThat(s(buf.nextToSend(100))).isEqualTo("4:ef");
    }
}
