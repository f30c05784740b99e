package io.ftvm.vmm.tool;

import static io.ftvm.vmm.cpu.Asm.*;
import static io.ftvm.vmm.tool.FtvmRunCommandTest.committedImage;
import static io.ftvm.vmm.tool.FtvmRunCommandTest.elf;
import static io.ftvm.vmm.tool.FtvmRunCommandTest.finish;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.Asm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ftvm bench}: key/value output, option validation, images that do not pass. */
class FtvmBenchCommandTest extends CapturedStdStreams {
    @TempDir
    Path tmp;




    @Test
    void benchOnHelloPrintsInstructionsAndMips() throws IOException {
        String hello = committedImage("hello", tmp).toString();
        assertThat(Ftvm.execute("bench", "--runs", "1", "--warmup", "0", hello)).isZero();
        assertThat(stdout().lines())
                .anyMatch(l -> l.matches("instructions: [1-9][0-9]*"))
                .anyMatch(l -> l.startsWith("mips: "))
                .anyMatch(l -> l.startsWith("mips_min: "))
                .anyMatch(l -> l.startsWith("mips_max: "));
        assertThat(stdout()).as("the guest console is discarded").doesNotContain("Hello");
        assertThat(stderr()).isEmpty();
    }

    @Test
    void zeroRunsIsRejected() throws IOException {
        String hello = committedImage("hello", tmp).toString();
        assertThat(Ftvm.execute("bench", "--runs", "0", hello)).isEqualTo(2);
        assertThat(stderr()).contains("--runs");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void negativeWarmupIsRejected() throws IOException {
        String hello = committedImage("hello", tmp).toString();
        assertThat(Ftvm.execute("bench", "--warmup", "-1", hello)).isEqualTo(2);
        assertThat(stderr()).contains("--warmup");
    }

    @Test
    void textFileIsNotAnElf() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not an image, just some text\n".repeat(3));
        assertThat(Ftvm.execute("bench", "--runs", "1", "--warmup", "0", text.toString())).isEqualTo(3);
        assertThat(stderr()).contains("notes.txt").contains("not an ELF");
    }

    @Test
    void failingGuestIsReported() throws IOException {
        Path image = Files.write(tmp.resolve("fail.elf"),
                elf(new Asm.Program().add(finish((9 << 16) | 0x3333)), Map.of()));
        assertThat(Ftvm.execute("bench", "--runs", "1", "--warmup", "0", image.toString())).isEqualTo(1);
        assertThat(stderr()).contains("did not pass").contains("exitCode=9");
        assertThat(stdout()).doesNotContain("mips");
    }

    @Test
    void guestThatNeverFinishesStopsAtTheInstructionLimit() throws IOException {
        Path image = Files.write(tmp.resolve("loop.elf"), elf(new Asm.Program().add(jal(ZERO, 0)), Map.of()));
        assertThat(Ftvm.execute("bench", "--runs", "1", "--warmup", "0", "--max-instructions", "1000",
                image.toString())).isEqualTo(1);
        assertThat(stderr()).contains("did not pass").contains("LIMIT");
    }

    @Test
    void missingImage() {
        Path missing = tmp.resolve("missing.elf");
        assertThat(Ftvm.execute("bench", missing.toString())).isEqualTo(3);
        assertThat(stderr()).contains("no such file").doesNotContain("Exception");
    }

    @Test
    void negativeInstructionLimitIsRejected() {
        Path image = tmp.resolve("any.elf");
        assertThat(Ftvm.execute("bench", "--max-instructions", "-1", image.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--max-instructions").contains("-1");
    }
}
