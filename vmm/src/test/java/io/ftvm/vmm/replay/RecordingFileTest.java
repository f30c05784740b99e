package io.ftvm.vmm.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording format: round trip, torn tails cut (never misread), corruption and foreign files refused. */
class RecordingFileTest {
    @TempDir
    Path tmp;

    private static final RecordingHeader HEADER =
            new RecordingHeader(128L << 20, 10, "guest.elf", new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});

    private static List<Event> sampleEvents(long seed) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>();
        long icount = 0;
        events.add(new Event.Digest(0, r.nextLong()));
        for (int i = 0; i < 200; i++) {
            icount += r.nextInt(100_000);
            switch (r.nextInt(4)) {
                case 0: {
                    byte[] b = new byte[1 + r.nextInt(16)];
                    r.nextBytes(b);
                    events.add(new Event.ConsoleInput(icount, b));
                    break;
                }
                case 1: events.add(new Event.IdleAdvance(icount, r.nextInt(1_000_000))); break;
                case 2: events.add(new Event.Digest(icount, r.nextLong())); break;
                default: events.add(new Event.Horizon(icount)); break;
            }
        }
        events.add(new Event.PowerOff(icount, 3));
        return events;
    }

    private Path write(List<Event> events) throws Exception {
        Path p = tmp.resolve("r.rec");
        try (RecordingFile.Writer w = RecordingFile.create(p, HEADER)) {
            for (Event e : events) {
                w.append(e);
            }
        }
        return p;
    }

    @Test
    void roundTrip() throws Exception {
        List<Event> events = sampleEvents(1);
        RecordingFile.Contents c = RecordingFile.read(write(events));
        assertThat(c.events()).isEqualTo(events);
        assertThat(c.tornTailBytes()).isZero();
        assertThat(c.header().ramBytes()).isEqualTo(HEADER.ramBytes());
        assertThat(c.header().instructionsPerTick()).isEqualTo(10);
        assertThat(c.header().imageName()).isEqualTo("guest.elf");
        assertThat(c.header().image()).isEqualTo(HEADER.image());
    }

    @Test
    void everyTruncationPointIsATornTailNeverAMisread() throws Exception {
        List<Event> events = sampleEvents(2).subList(0, 30);
        byte[] full = Files.readAllBytes(write(events));
        int headerEnd = headerLength(full);
        for (int cut = headerEnd; cut < full.length; cut++) {
            Path p = tmp.resolve("cut.rec");
            Files.write(p, Arrays.copyOf(full, cut));
            RecordingFile.Contents c = RecordingFile.read(p);
            assertThat(c.events()).isEqualTo(events.subList(0, c.events().size()));
            assertThat(c.tornTailBytes()).as("cut at %d", cut).isEqualTo(cut - encodedLength(events, c.events().size())
                    - headerEnd);
        }
    }

    @Test
    void aFlippedBitInTheLastRecordIsCutAndElsewhereIsRefused() throws Exception {
        List<Event> events = sampleEvents(3).subList(0, 20);
        byte[] full = Files.readAllBytes(write(events));
        int headerEnd = headerLength(full);
        Path p = tmp.resolve("flip.rec");
        byte[] last = full.clone();
        last[full.length - 6] ^= 0x10;
        Files.write(p, last);
        RecordingFile.Contents c = RecordingFile.read(p);
        assertThat(c.events()).isEqualTo(events.subList(0, events.size() - 1));
        assertThat(c.tornTailBytes()).isPositive();

        byte[] middle = full.clone();
        middle[headerEnd + 10] ^= 0x01;
        Files.write(p, middle);
        assertThatThrownBy(() -> RecordingFile.read(p)).isInstanceOf(RecordingException.class)
                .hasMessageContaining("corrupted record at byte " + headerEnd);
    }

    @Test
    void foreignAndDamagedHeadersAreRefused() throws Exception {
        byte[] full = Files.readAllBytes(write(sampleEvents(4)));
        Path p = tmp.resolve("h.rec");
        Files.write(p, "hello world, not a recording".getBytes());
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("bad magic");
        Files.write(p, new byte[3]);
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("too short");
        byte[] v2 = full.clone();
        v2[8] = 2;
        Files.write(p, v2);
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("version 2.0 is not supported");
        byte[] hdr = full.clone();
        hdr[20] ^= 1;
        Files.write(p, hdr);
        assertThatThrownBy(() -> RecordingFile.read(p)).hasMessageContaining("header checksum mismatch");
        assertThatThrownBy(() -> RecordingFile.read(tmp.resolve("missing.rec"))).hasMessageContaining("no such file");
    }

    @Test
    void writerRefusesEntriesGoingBackwards() throws Exception {
        try (RecordingFile.Writer w = RecordingFile.create(tmp.resolve("b.rec"), HEADER)) {
            w.append(new Event.Horizon(100));
            assertThatThrownBy(() -> w.append(new Event.Horizon(99))).isInstanceOf(RecordingException.class);
        }
    }

    @Test
    void codecRefusesMalformedEntries() throws Exception {
        assertThatThrownBy(() -> EventCodec.decode(new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 0}))
                .hasMessageContaining("unknown entry type 42");
        assertThatThrownBy(() -> EventCodec.decode(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .as("an empty frame").hasMessageContaining("frame length 0 out of range");
        assertThatThrownBy(() -> EventCodec.decode(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f}))
                .hasMessageContaining("frame length 32767 out of range");
        Event.FrameIn frame = new Event.FrameIn(77, new byte[] {1, 2, 3});
        assertThat(EventCodec.decode(EventCodec.encode(frame))).isEqualTo(frame);
        Event.EntropySeed seed = new Event.EntropySeed(0, new byte[32]);
        assertThat(EventCodec.decode(EventCodec.encode(seed))).isEqualTo(seed);
        assertThatThrownBy(() -> EventCodec.decode(Arrays.copyOf(EventCodec.encode(seed), 20)))
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> EventCodec.decode(new byte[] {2, 1})).hasMessageContaining("too short");
        byte[] extra = Arrays.copyOf(EventCodec.encode(new Event.Horizon(5)), 10);
        assertThatThrownBy(() -> EventCodec.decode(extra)).hasMessageContaining("unexpected bytes");
        byte[] neg = EventCodec.encode(new Event.IdleAdvance(5, 1));
        ByteBuffer.wrap(neg).order(ByteOrder.LITTLE_ENDIAN).putLong(9, -1);
        assertThatThrownBy(() -> EventCodec.decode(neg)).hasMessageContaining("negative idle advance");
    }

    private static int headerLength(byte[] file) {
        return 16 + ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12) + 4;
    }

    private static int encodedLength(List<Event> events, int n) {
        int len = 0;
        for (int i = 0; i < n; i++) {
            len += 8 + EventCodec.encode(events.get(i)).length;
        }
        return len;
    }

}
