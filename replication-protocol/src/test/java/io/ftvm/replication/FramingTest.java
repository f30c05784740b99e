package io.ftvm.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.Messages.Ack;
import io.ftvm.replication.Messages.Entry;
import io.ftvm.replication.Messages.FromPrimary;
import io.ftvm.replication.Messages.Goodbye;
import io.ftvm.replication.Messages.Handshake;
import io.ftvm.replication.Messages.Heartbeat;
import io.ftvm.replication.Messages.LogBatch;
import io.ftvm.replication.Messages.Role;
import io.ftvm.replication.Messages.SnapshotChunk;
import io.ftvm.replication.Messages.SnapshotComplete;
import io.ftvm.replication.Messages.SnapshotOffer;
import io.ftvm.replication.Messages.SnapshotResume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Framing and strict decoding over Netty's {@link EmbeddedChannel}: round trips of every message, and every kind of
 * bad input (oversized frames, malformed protobuf, unknown or empty bodies, invalid values, random and mutated
 * frames) closes the connection with a counted reason and delivers nothing from the bad frame on.
 */
class FramingTest {
    private static final int MAX_FRAME = 64 * 1024;

    private static EmbeddedChannel backupEnd(Framing.Stats stats) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Framing.install(ch.pipeline(), MAX_FRAME, Framing.Reads.FROM_PRIMARY, stats);
        return ch;
    }

    private static EmbeddedChannel primaryEnd(Framing.Stats stats) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Framing.install(ch.pipeline(), MAX_FRAME, Framing.Reads.FROM_BACKUP, stats);
        return ch;
    }

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    private static List<FromPrimary> primaryMessages() {
        byte[] chunk = {1, 2, 3, 4, 5};
        return List.of(
                new Handshake(2, "cluster-a", "vm-1", 7, Role.PRIMARY, 0, "host-1", bytes(32, 1), bytes(32, 2)),
                new LogBatch(42, List.of(new Entry(100, 1, new byte[] {9, 8}), new Entry(100, 3, new byte[0]),
                        new Entry(250, 2, new byte[] {7}))),
                new Heartbeat(123456789, 987),
                new Goodbye("shutting down"),
                new SnapshotOffer("snap-1", 1 << 20, 5000, 43),
                new SnapshotChunk("snap-1", 4096, chunk, crc(chunk)),
                new SnapshotComplete("snap-1", 0x1234),
                new Messages.HandOver(41, 250));
    }

    /** Sends from a primary end and reads on a backup end. */
    private static List<Object> transfer(List<? extends Object> messages) {
        EmbeddedChannel primary = primaryEnd(new Framing.Stats());
        EmbeddedChannel backup = backupEnd(new Framing.Stats());
        for (Object m : messages) {
            primary.writeOutbound(m);
        }
        ByteBuf b;
        while ((b = primary.readOutbound()) != null) {
            backup.writeInbound(b);
        }
        List<Object> got = new ArrayList<>();
        Object o;
        while ((o = backup.readInbound()) != null) {
            got.add(o);
        }
        return got;
    }

    @Test
    void everyPrimaryMessageRoundTrips() {
        List<Object> got = transfer(primaryMessages());
        assertThat(got).hasSize(8);
        assertThat(got.get(0)).isEqualTo(primaryMessages().get(0));
        assertThat(got.get(1)).isEqualTo(primaryMessages().get(1));
        assertThat(got.get(2)).isEqualTo(primaryMessages().get(2));
        assertThat(((SnapshotChunk) got.get(5)).data()).containsExactly(1, 2, 3, 4, 5);
        assertThat(got.get(7)).isEqualTo(new Messages.HandOver(41, 250));
    }

    @Test
    void everyBackupMessageRoundTrips() {
        EmbeddedChannel backup = backupEnd(new Framing.Stats());
        EmbeddedChannel primary = primaryEnd(new Framing.Stats());
        List<Object> sent = List.of(new Messages.Challenge(bytes(32, 5)),
                new Handshake(2, "c", "v", 3, Role.BACKUP, 17, "host-2", bytes(32, 3), bytes(32, 4)), new Ack(99, 123456),
                new Heartbeat(1, 2), new Goodbye("bye"), new SnapshotResume("s", 8192));
        sent.forEach(backup::writeOutbound);
        ByteBuf b;
        while ((b = backup.readOutbound()) != null) {
            primary.writeInbound(b);
        }
        for (Object m : sent) {
            assertThat((Object) primary.readInbound()).isEqualTo(m);
        }
    }

    private static ByteBuf frame(byte[] body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(body.length);
        b.writeBytes(body);
        return b;
    }

    @Test
    void oversizedFrameClosesTheConnection() {
        Framing.Stats stats = new Framing.Stats();
        EmbeddedChannel ch = backupEnd(stats);
        ByteBuf b = Unpooled.buffer();
        b.writeInt(MAX_FRAME + 1);
        b.writeZero(16);
        ch.writeInbound(b);
        assertThat(ch.isOpen()).isFalse();
        assertThat(stats.oversizedFrames()).isEqualTo(1);
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void aFloodOfRefusedConnectionsIsCountedButLoggedAtMostOncePerSecond() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                Framing.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        ch.qos.logback.classic.Level level = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.WARN);
        try {
            Framing.Stats host = new Framing.Stats();
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                EmbeddedChannel ch = backupEnd(new Framing.Stats(host)); // one host, many connections
                ByteBuf b = Unpooled.buffer();
                b.writeInt(MAX_FRAME + 1);
                b.writeZero(16);
                ch.writeInbound(b);
                assertThat(ch.isOpen()).isFalse();
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(host.oversizedFrames()).as("every refusal counted").isEqualTo(200);
            assertThat(lines.list).as("at most one line per second").hasSizeBetween(1, (int) seconds + 2);
        } finally {
            log.setLevel(level);
            log.detachAppender(lines);
        }
    }

    @Test
    void invalidMessagesCloseTheConnectionWithAReason() {
        byte[][] bad = {
            {(byte) 0xff, (byte) 0xff, (byte) 0xff}, // not protobuf
            {}, // no body
            {(byte) 0xfa, 0x01, 0x00}, // unknown field 31
            WireMapper.encodePrimary(new LogBatch(1, List.of())), // empty batch
            WireMapper.encodePrimary(new Handshake(2, "", "vm", 1, Role.PRIMARY, 0, "h", bytes(32, 1), bytes(32, 1))),
            WireMapper.encodePrimary(new Handshake(2, "c", "vm", 1, Role.PRIMARY, 0, "", bytes(32, 1), bytes(32, 1))),
            WireMapper.encodePrimary(new Handshake(2, "c", "vm", 1, Role.PRIMARY, 0, "h", bytes(31, 1), bytes(32, 1))),
            WireMapper.encodePrimary(new Handshake(2, "c", "vm", 1, Role.PRIMARY, 0, "h", bytes(32, 1), bytes(0, 1))),
            WireMapper.encodePrimary(new SnapshotChunk("s", 0, new byte[] {1}, 12345)), // checksum mismatch
            WireMapper.encodePrimary(new LogBatch(1, List.of(new Entry(5, 1, new byte[0]), new Entry(4, 1, new byte[0])))),
        };
        for (byte[] body : bad) {
            Framing.Stats stats = new Framing.Stats();
            EmbeddedChannel ch = backupEnd(stats);
            ch.writeInbound(frame(WireMapper.encodePrimary(new Heartbeat(1, 1))), frame(body),
                    frame(WireMapper.encodePrimary(new Heartbeat(2, 2))));
            assertThat((Object) ch.readInbound()).isEqualTo(new Heartbeat(1, 1));
            assertThat((Object) ch.readInbound()).as("nothing after the bad frame").isNull();
            assertThat(ch.isOpen()).isFalse();
            assertThat(stats.malformedMessages()).isEqualTo(1);
            assertThat(ch.attr(CloseReason.KEY).get()).isNotBlank();
        }
    }

    @Test
    void fuzzedFramesNeverDeliverAnythingInvalid() {
        Random r = new Random(2026);
        List<byte[]> valid = new ArrayList<>();
        for (FromPrimary m : primaryMessages()) {
            valid.add(WireMapper.encodePrimary(m));
        }
        int closed = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] body;
            switch (r.nextInt(3)) {
                case 0: {
                    body = new byte[r.nextInt(64)];
                    r.nextBytes(body);
                    break;
                }
                case 1: {
                    byte[] v = valid.get(r.nextInt(valid.size()));
                    body = java.util.Arrays.copyOf(v, r.nextInt(v.length + 1));
                    break;
                }
                default: {
                    body = valid.get(r.nextInt(valid.size())).clone();
                    for (int k = 0; k < 1 + r.nextInt(3) && body.length > 0; k++) {
                        body[r.nextInt(body.length)] ^= (byte) (1 + r.nextInt(255));
                    }
                    break;
                }
            }
            Framing.Stats stats = new Framing.Stats();
            EmbeddedChannel ch = backupEnd(stats);
            ch.writeInbound(frame(body));
            Object got = ch.readInbound();
            if (ch.isOpen()) {
                // Accepted: it must be a well-formed message that encodes back to a decodable frame.
                assertThat(got).isInstanceOf(FromPrimary.class);
                byte[] again = WireMapper.encodePrimary((FromPrimary) got);
                assertThat(transfer(List.of(got))).containsExactly(got);
                assertThat(again).isNotNull();
            } else {
                closed++;
                assertThat(got).isNull();
                assertThat(stats.malformedMessages()).isEqualTo(1);
            }
            ch.finishAndReleaseAll();
        }
        assertThat(closed).isGreaterThan(2500);
    }

    @Test
    void handEncodedBatchesMatchTheGeneratedEncoderByteForByte() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            List<Entry> entries = new ArrayList<>();
            long icount = r.nextBoolean() ? 0 : r.nextLong() & Long.MAX_VALUE >>> r.nextInt(63);
            for (int k = 0, n = 1 + r.nextInt(40); k < n; k++) {
                byte[] payload = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(300)];
                r.nextBytes(payload);
                entries.add(new Entry(icount, r.nextInt(3) == 0 ? 0 : r.nextInt() >>> r.nextInt(32), payload));
                icount += r.nextInt(3) == 0 ? 0 : r.nextInt(1 << 20);
            }
            long first = r.nextBoolean() ? 0 : r.nextLong() >>> (1 + r.nextInt(63));
            LogBatch batch = new LogBatch(Math.min(first, Long.MAX_VALUE - 100), entries);
            ByteBuf buf = Unpooled.buffer();
            WireMapper.encodePrimary(batch, buf);
            byte[] fast = new byte[buf.readableBytes()];
            buf.readBytes(fast);
            assertThat(fast).isEqualTo(WireMapper.encodePrimary((FromPrimary) batch));
            assertThat(WireMapper.decodeFromPrimary(Unpooled.wrappedBuffer(fast))).isEqualTo(batch);
            ByteBuf direct = Unpooled.directBuffer().writeBytes(fast);
            assertThat(WireMapper.decodeFromPrimary(direct)).isEqualTo(batch);
            direct.release();
            buf.release();
        }
    }
}
