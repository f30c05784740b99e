package io.ftvm.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleError;
import io.ftvm.replication.console.ConsoleMessage;
import io.ftvm.replication.console.ConsoleMessage.Error;
import io.ftvm.replication.console.ConsoleMessage.Input;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized and out-of-order frames close the connection: the server says why in an ERROR, logs it and
 * counts it, and nothing past the bad frame reaches the backend.
 */
class ProtocolViolationTest {
    private interface Script {
        void run(RawClient c) throws Exception;
    }

    private static void refused(Script script, String reason) throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        try (ConsoleServer server = TestSupport.server(backend); RawClient c = new RawClient(server.address())) {
            script.run(c);
            Error e = null;
            while (e == null) {
                ConsoleMessage.FromServer m = c.read();
                e = m instanceof Error err ? err : null;
            }
            assertThat(e.error()).isEqualTo(ConsoleError.PROTOCOL_VIOLATION);
            assertThat(e.message()).contains(reason);
            assertThat(c.closedByServer()).isTrue();
            TestSupport.await(() -> server.stats().violations() == 1, "the violation counted");
            assertThat(server.stats().lastCloseReason()).contains("PROTOCOL_VIOLATION", reason);
            assertThat(backend.inputAccepted()).isZero();
        }
    }

    private static byte[] frame(int... body) {
        ByteBuffer b = ByteBuffer.allocate(4 + body.length).putInt(body.length);
        for (int x : body) {
            b.put((byte) x);
        }
        return b.array();
    }

    @Test
    void anOversizedFrameIsRefusedBeforeItArrives() throws Exception {
        refused(c -> c.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}), "oversized frame");
        refused(c -> c.sendRaw(ByteBuffer.allocate(4).putInt(ConsoleCodec.MAX_FRAME + 1).array()),
                "oversized frame");
    }

    @Test
    void anUnknownTypeIsRefused() throws Exception {
        refused(c -> c.sendRaw(frame(0x63)), "unknown or unexpected message type 99");
        refused(c -> c.sendRaw(frame()), "empty frame");
    }

    @Test
    void aServerMessageFromAClientIsRefused() throws Exception {
        refused(c -> c.sendRaw(frame(7 /* INPUT_ACK */, 0, 0, 0, 0, 0, 0, 0, 1)),
                "unexpected message type 7");
    }

    @Test
    void aHelloWithoutTheMagicIsRefused() throws Exception {
        refused(c -> c.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()), "oversized frame");
        refused(c -> c.sendRaw(frame(1 /* HELLO */, 'G', 'E', 'T', ' ', 0, 1)), "not an ftvm console peer");
    }

    @Test
    void trailingBytesAreRefused() throws Exception {
        refused(c -> {
            ByteBuf b = Unpooled.buffer();
            ConsoleCodec.encode(new ConsoleMessage.Ping(1), b);
            b.writeByte(0).setInt(0, b.readableBytes() - 4);
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            c.sendRaw(bytes);
        }, "unexpected bytes after Ping");
    }

    @Test
    void inputBeforeHelloIsRefused() throws Exception {
        refused(c -> c.send(new Input(0, new byte[] {1})), "INPUT before WELCOME");
    }

    @Test
    void aSecondHelloIsRefused() throws Exception {
        refused(c -> {
            c.hello(0, ConsoleMessage.NO_INPUT);
            c.read(Welcome.class);
            c.hello(0, ConsoleMessage.NO_INPUT);
        }, "a second HELLO");
    }

    @Test
    void inputOutOfOrderIsRefused() throws Exception {
        refused(c -> {
            c.hello(0, ConsoleMessage.NO_INPUT);
            c.read(Welcome.class);
            c.send(new Input(5, new byte[] {1}));
        }, "INPUT at offset 5, expected 0");
    }

    @Test
    void nothingAfterABadFrameIsProcessed() throws Exception {
        refused(c -> {
            c.hello(0, ConsoleMessage.NO_INPUT);
            c.read(Welcome.class);
            byte[] bad = frame(0x63);
            ByteBuf good = Unpooled.buffer();
            ConsoleCodec.encode(new Input(0, new byte[] {1, 2, 3}), good);
            byte[] both = new byte[bad.length + good.readableBytes()];
            System.arraycopy(bad, 0, both, 0, bad.length);
            good.readBytes(both, bad.length, good.readableBytes());
            c.sendRaw(both); // one write: the good frame arrives in the same read as the bad one
        }, "unknown or unexpected message type 99");
    }
}
