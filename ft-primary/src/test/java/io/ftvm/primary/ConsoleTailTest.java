package io.ftvm.primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleTailTest {
    @TempDir
    Path dir;

    private static OutputHistory history(long from, String text) {
        OutputHistory h = new OutputHistory(1 << 20, from);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i++) {
            h.append(from + i, b[i]);
        }
        return h;
    }

    @Test
    void theTailRidesOnTheFileAndIsCutOffAgainLeavingTheSnapshotAsItWas() throws IOException {
        Path file = Files.write(dir.resolve("join.snap"), new byte[] {1, 2, 3, 4, 5});
        ConsoleTail tail = ConsoleTail.of(history(100, "hello, world\n"), 113).orElseThrow();
        assertThat(tail.start()).isEqualTo(100);
        assertThat(tail.end()).isEqualTo(113);
        tail.appendTo(file);
        assertThat(Files.size(file)).isGreaterThan(5);
        Optional<ConsoleTail> back = ConsoleTail.detach(file);
        assertThat(back).isPresent();
        assertThat(back.get().start()).isEqualTo(100);
        assertThat(new String(back.get().bytes(), StandardCharsets.US_ASCII)).isEqualTo("hello, world\n");
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3, 4, 5);
        assertThat(ConsoleTail.detach(file)).as("no second trailer").isEmpty();
    }

    @Test
    void theBackupsHistoryStartsAtTheTailWhenItEndsAtTheSnapshotsOffset() {
        ConsoleTail tail = ConsoleTail.of(history(0, "abcdef"), 6).orElseThrow();
        OutputHistory h = tail.historyAt(1 << 10, 6);
        assertThat(h.start()).isZero();
        assertThat(h.end()).isEqualTo(6);
        byte[] b = new byte[6];
        h.read(0, b, 0, 6);
        assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("abcdef");
        OutputHistory elsewhere = tail.historyAt(1 << 10, 9);
        assertThat(elsewhere.start()).isEqualTo(9).isEqualTo(elsewhere.end());
    }

    @Test
    void onlyTheLastQuarterMebibyteGoesAndNothingWhenOutputIsStillHeldBack() {
        StringBuilder big = new StringBuilder();
        while (big.length() < ConsoleTail.MAX_BYTES + 1000) {
            big.append("0123456789");
        }
        OutputHistory h = history(0, big.toString());
        ConsoleTail tail = ConsoleTail.of(h, h.end()).orElseThrow();
        assertThat(tail.bytes()).hasSize(ConsoleTail.MAX_BYTES);
        assertThat(tail.end()).isEqualTo(h.end());
        assertThat(ConsoleTail.of(h, h.end() + 5)).as("output past the history is in the gate").isEmpty();
    }

    @Test
    void aFileWithoutATrailerIsLeftAloneAndADamagedOneIsRefused() throws IOException {
        Path plain = Files.write(dir.resolve("plain.snap"), new byte[100]);
        assertThat(ConsoleTail.detach(plain)).isEmpty();
        assertThat(Files.size(plain)).isEqualTo(100);
        Path tiny = Files.write(dir.resolve("tiny.snap"), new byte[3]);
        assertThat(ConsoleTail.detach(tiny)).isEmpty();
        ByteBuffer bad = ByteBuffer.allocate(30).put(new byte[10]).putLong(0).putInt(1 << 30)
                .put("FTVMTAIL".getBytes(StandardCharsets.US_ASCII));
        Path damaged = Files.write(dir.resolve("damaged.snap"), bad.array());
        assertThatThrownBy(() -> ConsoleTail.detach(damaged)).isInstanceOf(IOException.class)
                .hasMessageContaining("damaged console tail");
        assertThat(Files.size(damaged)).as("nothing cut").isEqualTo(30);
    }
}
