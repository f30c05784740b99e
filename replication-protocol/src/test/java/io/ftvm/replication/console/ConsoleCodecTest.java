package io.ftvm.replication.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.replication.console.ConsoleMessage.Bye;
import io.ftvm.replication.console.ConsoleMessage.Error;
import io.ftvm.replication.console.ConsoleMessage.Hello;
import io.ftvm.replication.console.ConsoleMessage.Input;
import io.ftvm.replication.console.ConsoleMessage.InputAck;
import io.ftvm.replication.console.ConsoleMessage.Output;
import io.ftvm.replication.console.ConsoleMessage.Ping;
import io.ftvm.replication.console.ConsoleMessage.Pong;
import io.ftvm.replication.console.ConsoleMessage.Redirect;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The wire format: every message round-trips; every malformed body is a PROTOCOL_VIOLATION with a reason. */
class ConsoleCodecTest {
    private static ByteBuf body(ConsoleMessage m) {
        ByteBuf buf = Unpooled.buffer();
        ConsoleCodec.encode(m, buf);
        assertThat(buf.readInt()).isEqualTo(buf.readableBytes());
        return buf;
    }

    private static ConsoleMessage.FromClient client(ConsoleMessage m) throws ConsoleException {
        return ConsoleCodec.decodeFromClient(body(m));
    }

    private static ConsoleMessage.FromServer server(ConsoleMessage m) throws ConsoleException {
        return ConsoleCodec.decodeFromServer(body(m));
    }

    private static ByteBuf raw(int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    private static void refusedByServer(ByteBuf body, String reason) {
        assertThatThrownBy(() -> ConsoleCodec.decodeFromClient(body)).isInstanceOf(ConsoleException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((ConsoleException) e).code()).isEqualTo(ConsoleError.PROTOCOL_VIOLATION));
    }

    private static void refusedByClient(ByteBuf body, String reason) {
        assertThatThrownBy(() -> ConsoleCodec.decodeFromServer(body)).isInstanceOf(ConsoleException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void clientMessagesRoundTrip() throws Exception {
        assertThat(client(new Hello(2, "vm-7", 42, ConsoleMessage.NO_INPUT, ConsoleAccess.READ, "", "")))
                .isEqualTo(new Hello(2, "vm-7", 42, -1, ConsoleAccess.READ, "", ""));
        assertThat(client(new Hello(2, "vm", ConsoleMessage.FROM_END, 5, ConsoleAccess.TAKE_OVER, "tok-ä", "me@h")))
                .isEqualTo(new Hello(2, "vm", -2, 5, ConsoleAccess.TAKE_OVER, "tok-ä", "me@h"));
        Input in = (Input) client(new Input(7, new byte[] {1, 2, 3}));
        assertThat(in.offset()).isEqualTo(7);
        assertThat(in.bytes()).containsExactly(1, 2, 3);
        assertThat(client(new Ping(-9))).isEqualTo(new Ping(-9));
        assertThat(client(new Pong(9))).isEqualTo(new Pong(9));
        assertThat(client(new Bye("", "done ✓"))).isEqualTo(new Bye("", "done ✓"));
    }

    @Test
    void serverMessagesRoundTrip() throws Exception {
        assertThat(server(new Welcome(2, 10, 100, 50, 3, 4))).isEqualTo(new Welcome(2, 10, 100, 50, 3, 4));
        assertThat(server(new Redirect("h:1", "backup"))).isEqualTo(new Redirect("h:1", "backup"));
        assertThat(server(new Error(ConsoleError.OFFSET_NOT_HELD, 900, "gone")))
                .isEqualTo(new Error(3, 900, "gone"));
        assertThat(((Error) server(new Error(99, -1, "future"))).error()).isNull();
        Output o = (Output) server(new Output(1L << 40, new byte[ConsoleCodec.MAX_PAYLOAD]));
        assertThat(o.offset()).isEqualTo(1L << 40);
        assertThat(o.bytes()).hasSize(ConsoleCodec.MAX_PAYLOAD);
        assertThat(server(new InputAck(12))).isEqualTo(new InputAck(12));
        assertThat(server(new Bye("h:2", "moved"))).isEqualTo(new Bye("h:2", "moved"));
        assertThat(server(new ConsoleMessage.Standby("backup:7100")))
                .isEqualTo(new ConsoleMessage.Standby("backup:7100"));
        assertThat(server(new ConsoleMessage.Standby(""))).isEqualTo(new ConsoleMessage.Standby(""));
    }

    @Test
    void longReasonsAreCutAtACharacterBoundary() throws Exception {
        Bye b = (Bye) server(new Bye("", "é".repeat(2000)));
        assertThat(b.reason()).hasSize(ConsoleCodec.MAX_STRING / 2);
    }

    @Test
    void anUnsupportedVersionStillDecodesSoTheServerCanSaySo() throws Exception {
        ByteBuf b = raw(ConsoleCodec.HELLO);
        b.writeInt(ConsoleCodec.MAGIC).writeShort(7).writeBytes(new byte[] {9, 9, 9});
        assertThat(ConsoleCodec.decodeFromClient(b)).isEqualTo(new Hello(7, "", -1, -1, ConsoleAccess.READ, "", ""));
    }

    @Test
    void malformedBodiesAreRefused() {
        refusedByServer(raw(), "empty frame");
        refusedByServer(raw(0x42), "unknown or unexpected message type 66");
        refusedByServer(raw(ConsoleCodec.OUTPUT, 0, 0, 0, 0, 0, 0, 0, 0, 1), "unexpected message type 5");
        refusedByClient(raw(ConsoleCodec.HELLO), "unexpected message type 1");
        refusedByServer(raw(ConsoleCodec.HELLO, 1, 2), "truncated before its magic");
        ByteBuf badMagic = raw(ConsoleCodec.HELLO);
        badMagic.writeInt(0x47455420).writeShort(1);
        refusedByServer(badMagic, "not an ftvm console peer");
        ByteBuf trailing = body(new Ping(1));
        trailing.writeByte(0);
        refusedByServer(trailing, "1 unexpected bytes after Ping");
        refusedByServer(raw(ConsoleCodec.PING, 1, 2, 3), "truncated in PING nonce");
        ByteBuf negative = raw(ConsoleCodec.INPUT);
        negative.writeLong(-5).writeByte(1);
        refusedByServer(negative, "INPUT offset -5 is negative");
        ByteBuf empty = raw(ConsoleCodec.INPUT);
        empty.writeLong(5);
        refusedByServer(empty, "payload of 0 bytes");
        ByteBuf overflow = raw(ConsoleCodec.INPUT);
        overflow.writeLong(Long.MAX_VALUE).writeByte(1);
        refusedByServer(overflow, "overflows");
        ByteBuf huge = raw(ConsoleCodec.OUTPUT);
        huge.writeLong(0).writeBytes(new byte[ConsoleCodec.MAX_PAYLOAD + 1]);
        refusedByClient(huge, "over the limit");
        ByteBuf badUtf8 = raw(ConsoleCodec.BYE, 0, 0, 0, 2, 0xC3, 0x28);
        refusedByServer(badUtf8, "BYE reason is not valid UTF-8");
        ByteBuf longString = raw(ConsoleCodec.BYE);
        longString.writeShort(ConsoleCodec.MAX_STRING + 1).writeBytes(new byte[ConsoleCodec.MAX_STRING + 1]);
        refusedByServer(longString, "over the limit 1024");
        refusedByServer(body(new Hello(2, "bad\nid", 0, 0, ConsoleAccess.READ, "", "")), "without control characters");
        refusedByServer(body(new Hello(2, "x".repeat(129), 0, 0, ConsoleAccess.READ, "", "")), "vm id must be 1..128");
        refusedByServer(body(new Hello(2, "vm", -3, 0, ConsoleAccess.READ, "", "")), "HELLO output offset -3 is negative");
        refusedByServer(body(new Hello(2, "vm", 0, -2, ConsoleAccess.READ, "", "")), "HELLO input offset -2 is negative");
        refusedByServer(body(new Hello(2, "vm", 0, 0, ConsoleAccess.READ, "", "bad\u0007name")), "control characters");
        refusedByClient(body(new Welcome(2, 10, 5, 7, 0, 0)), "WELCOME offsets out of order");
        refusedByClient(body(new Welcome(4, 0, 0, 0, 0, 0)), "protocol version 4, this client speaks 2..3");
        refusedByClient(body(new Welcome(1, 0, 0, 0, 0, 0)), "protocol version 1");
        refusedByClient(body(new Error(1, -2, "x")), "ERROR offset -2");
    }

    @Test
    void payloadsOutsideTheLimitsAreNotEncoded() {
        assertThatThrownBy(() -> body(new Output(0, new byte[0]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> body(new Input(0, new byte[ConsoleCodec.MAX_PAYLOAD + 1])))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
