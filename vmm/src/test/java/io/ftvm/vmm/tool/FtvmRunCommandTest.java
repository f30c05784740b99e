package io.ftvm.vmm.tool;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.Asm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ftvm run}: console, exit codes, --signature, --max-instructions, stuck guests and bad command lines. */
class FtvmRunCommandTest extends CapturedStdStreams {
    static final long RAM = 0x8000_0000L;
    static final long SIG = RAM + 0x1000;
    static final int MTVEC = 0x305, MIE = 0x304;

    @TempDir
    Path tmp;


    private int ftvm(String... args) {
        return Ftvm.execute(args);
    }



    // ------------------------------------------------------------------ guests

    /** A committed guest image: {@code ../guests/images/NAME.elf}, or the classpath copy in a temp file. */
    static Path committedImage(String name, Path tmp) throws IOException {
        Path p = Path.of("../guests/images", name + ".elf");
        if (Files.isRegularFile(p)) {
            return p;
        }
        try (InputStream in = FtvmRunCommandTest.class.getResourceAsStream("/io/ftvm/guests/images/" + name + ".elf")) {
            assertThat(in).as("guest image " + name).isNotNull();
            Path copy = tmp.resolve(name + ".elf");
            Files.copy(in, copy);
            return copy;
        }
    }

    /** Code that writes {@code value} to the test finisher (clobbers t0, t1). */
    static int[] finish(long value) {
        return words(new Asm.Program().li(T0, 0x10_0000).li(T1, value).add(sw(T1, T0, 0), jal(ZERO, 0)));
    }

    private static int[] words(Asm.Program p) {
        ByteBuffer b = ByteBuffer.wrap(p.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int[] w = new int[p.size() / 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = b.getInt();
        }
        return w;
    }

    /**
     * A minimal RISC-V ELF64 executable: one PT_LOAD segment at 0x8000_0000 holding {@code code} (8 KiB of memory,
     * the rest zero), entry at its start, and a symbol table with {@code symbols} (none if empty).
     */
    static byte[] elf(Asm.Program code, Map<String, Long> symbols) {
        byte[] text = code.bytes();
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        List<long[]> syms = new ArrayList<>();               // {nameIndex, value}
        for (Map.Entry<String, Long> s : symbols.entrySet()) {
            syms.add(new long[] {strtab.size(), s.getValue()});
            strtab.writeBytes((s.getKey() + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        int textOff = 64 + 56;
        int strOff = textOff + text.length;
        int symOff = strOff + strtab.size();
        int symSize = 24 * (syms.size() + 1);
        int shOff = symOff + symSize;
        boolean withSymbols = !symbols.isEmpty();
        ByteBuffer b = ByteBuffer.allocate(shOff + (withSymbols ? 3 * 64 : 0)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(0x10, (short) 2).putShort(0x12, (short) 243).putInt(0x14, 1).putLong(0x18, RAM);
        b.putLong(0x20, 64).putLong(0x28, withSymbols ? shOff : 0);
        b.putShort(0x34, (short) 64).putShort(0x36, (short) 56).putShort(0x38, (short) 1);
        b.putShort(0x3a, (short) 64).putShort(0x3c, (short) (withSymbols ? 3 : 0));
        b.putInt(64, 1).putInt(68, 7).putLong(72, textOff).putLong(80, RAM).putLong(88, RAM)
                .putLong(96, text.length).putLong(104, 0x2000).putLong(112, 4);
        b.put(textOff, text);
        b.put(strOff, strtab.toByteArray());
        for (int i = 0; i < syms.size(); i++) {
            int s = symOff + 24 * (i + 1);
            b.putInt(s, (int) syms.get(i)[0]).put(s + 4, (byte) 0x10).putShort(s + 6, (short) 1)
                    .putLong(s + 8, syms.get(i)[1]);
        }
        if (withSymbols) {
            int sh1 = shOff + 64;                                 // [1] .symtab, links to [2] .strtab
            b.putInt(sh1 + 4, 2).putLong(sh1 + 24, symOff).putLong(sh1 + 32, symSize).putInt(sh1 + 40, 2)
                    .putLong(sh1 + 56, 24);
            int sh2 = shOff + 128;
            b.putInt(sh2 + 4, 3).putLong(sh2 + 24, strOff).putLong(sh2 + 32, strtab.size());
        }
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private Path guest(String name, Asm.Program code) throws IOException {
        return write(name + ".elf", elf(code, Map.of()));
    }

    // ------------------------------------------------------------------ guests that finish

    @Test
    void helloImagePrintsItsConsoleOutputAndPasses() throws IOException {
        int code = ftvm("run", committedImage("hello", tmp).toString());
        assertThat(stdout()).isEqualTo("Hello from ftvm guest!\nhart 0, 2+2=4\n");
        assertThat(stderr()).isEmpty();
        assertThat(code).isZero();
    }

    @Test
    void failingGuestExitsWithItsFinisherCode() throws IOException {
        Path image = guest("fail7", new Asm.Program().add(finish((7 << 16) | 0x3333)));
        assertThat(ftvm("run", image.toString())).isEqualTo(7);
        assertThat(stdout()).isEmpty();
        assertThat(stderr()).contains("failure with code 7");
    }

    @Test
    void failureCodeWithZeroLowByteNeverReadsAsPass() throws IOException {
        Path image = guest("fail256", new Asm.Program().add(finish((256 << 16) | 0x3333)));
        assertThat(ftvm("run", image.toString())).isEqualTo(1);
        assertThat(stderr()).contains("failure with code 256");
    }

    @Test
    void consoleOutputOfABuiltGuestGoesToStdout() throws IOException {
        Asm.Program p = new Asm.Program().li(T2, 0x1000_0000L);
        for (char c : "ok\n".toCharArray()) {
            p.add(addi(A0, ZERO, c), sb(A0, T2, 0));
        }
        Path image = guest("ok", p.add(finish(0x5555)));
        assertThat(ftvm("run", image.toString())).isZero();
        assertThat(stdout()).isEqualTo("ok\n");
    }

    @Test
    void timerWakesAGuestWaitingInWfiAfterTheWaitPassesInRealTime() throws IOException {
        // mtimecmp = 10^7 ticks (one guest second), MTIE on, global MIE off: WFI resumes without trapping. ftvm run is
        // record mode: an idle guest's time follows the wall clock, so the wait takes a second - never less, and on a
        // loaded machine somewhat more (the upper bound only catches a guest that is never woken).
        Asm.Program p = new Asm.Program().li(T0, 0x0200_4000L).li(T1, 10_000_000L).add(sd(T1, T0, 0))
                .li(T1, 1 << 7).add(csrw(MIE, T1), wfi()).add(finish((3 << 16) | 0x3333));
        long t0 = System.nanoTime();
        assertThat(ftvm("run", guest("timer", p).toString())).isEqualTo(3);
        assertThat(System.nanoTime() - t0).as("idle time passes in real time")
                .isBetween(900_000_000L, 60_000_000_000L);
        assertThat(stderr()).doesNotContain("WFI").doesNotContain("limit");
    }

    // ------------------------------------------------------------------ --signature

    @Test
    void signatureWritesTheWordsBetweenTheSymbolsAsHexLines() throws IOException {
        Asm.Program p = new Asm.Program().li(T2, SIG);
        long[] stored = {0xdeadbeefL, 1, 0x12345678L, 0, 0xffffffffL}; // the last word is past end_signature
        for (int i = 0; i < stored.length; i++) {
            p.li(T1, stored[i]).add(sw(T1, T2, 4 * i));
        }
        Map<String, Long> syms = new LinkedHashMap<>();
        syms.put("begin_signature", SIG);
        syms.put("end_signature", SIG + 16);
        Path image = write("sig.elf", elf(p.add(finish(0x5555)), syms));
        Path sig = tmp.resolve("out.sig");

        assertThat(ftvm("run", "--signature", sig.toString(), image.toString())).isZero();
        assertThat(Files.readString(sig, StandardCharsets.US_ASCII))
                .isEqualTo("deadbeef\n00000001\n12345678\n00000000\n");
        assertThat(stderr()).isEmpty();
    }

    @Test
    void signatureOfTheIsaMImageHasOneLowercaseHexLinePerWordAndHoldsTheMulResults() throws IOException {
        Path image = committedImage("isa-m", tmp);
        Path sig = tmp.resolve("isa-m.sig");
        assertThat(ftvm("run", "--signature", sig.toString(), image.toString())).isZero();
        List<String> lines = Files.readAllLines(sig, StandardCharsets.US_ASCII);
        // readelf: begin_signature 0x80000d30, end_signature 0x80001130 (the linker script reserves 1024 bytes)
        assertThat(lines).hasSize(1024 / 4).allMatch(l -> l.matches("[0-9a-f]{8}"));
        // isa-m.c stores sig_word(low32), sig_word(high32) of mul(V[i], V[j]) for all i, j: the first 128 results
        long[] v = {0, 1, -1, 2, 0xfffffffffffffffdL, 0x8000000000000000L, 0x7fffffffffffffffL, 0x80000000L,
            0xffffffff80000000L, 0x7fffffffL, 0xffffffffL, 0x123456789abcdef0L};
        List<String> expected = new ArrayList<>();
        for (long a : v) {
            for (long b : v) {
                expected.add(String.format("%08x", (a * b) & 0xffffffffL));
                expected.add(String.format("%08x", (a * b) >>> 32));
            }
        }
        assertThat(lines).isEqualTo(expected.subList(0, lines.size()));
        assertThat(stdout()).startsWith("isa-m\n");
    }

    @Test
    void signatureOnAnImageWithoutTheSymbolsIsReportedButTheGuestStatusIsKept() throws IOException {
        Path image = guest("nosym", new Asm.Program().add(finish((5 << 16) | 0x3333)));
        Path sig = tmp.resolve("none.sig");
        assertThat(ftvm("run", "--signature", sig.toString(), image.toString())).isEqualTo(5);
        assertThat(stderr()).contains("--signature").contains("begin_signature/end_signature");
        assertThat(sig).doesNotExist();
    }

    // ------------------------------------------------------------------ limit and stuck guests

    @Test
    void instructionLimitStopsAnEndlessLoopWith124() throws IOException {
        Path image = guest("loop", new Asm.Program().add(addi(A0, A0, 1), jal(ZERO, -4)));
        assertThat(ftvm("run", "--max-instructions", "1000", image.toString())).isEqualTo(124);
        assertThat(stderr()).contains("instruction limit reached").contains("1000");
    }

    @Test
    void zeroInstructionLimitStopsBeforeTheFirstInstruction() throws IOException {
        Path image = guest("pass", new Asm.Program().add(finish(0x5555)));
        assertThat(ftvm("run", "--max-instructions", "0", image.toString())).isEqualTo(124);
        assertThat(stderr()).contains("instruction limit reached: 0");
    }

    @Test
    void limitIsNotReportedWhenTheGuestFinishesWithinIt() throws IOException {
        Path image = guest("pass", new Asm.Program().add(finish(0x5555)));
        assertThat(ftvm("run", "--max-instructions", "1000", image.toString())).isZero();
        assertThat(stderr()).isEmpty();
    }

    @Test
    void wfiWithInterruptsOffAndNoTimerIsStuck() throws IOException {
        Path image = guest("wfi", new Asm.Program().add(wfi()).add(finish(0x5555)));
        assertThat(ftvm("run", image.toString())).isEqualTo(125);
        assertThat(stderr()).contains("WFI").contains("no interrupt that could wake it");
    }

    @Test
    void illegalInstructionWithUnmappedTrapVectorIsATrapLoop() throws IOException {
        Asm.Program p = new Asm.Program().li(T0, 0x4000).add(csrw(MTVEC, T0), 0 /* illegal */)
                .add(finish(0x5555));
        assertThat(ftvm("run", guest("traploop", p).toString())).isEqualTo(125);
        assertThat(stderr()).contains("stuck").contains("traps repeat").contains("mtvec 0x4000");
    }

    @Test
    void resetRequestIsReportedAsUnsupported() throws IOException {
        Path image = guest("reset", new Asm.Program().add(finish(0x7777)));
        assertThat(ftvm("run", image.toString())).isEqualTo(125);
        assertThat(stderr()).contains("reset is not supported");
    }

    // ------------------------------------------------------------------ images that cannot be loaded

    @Test
    void missingImage() {
        Path missing = tmp.resolve("missing.elf");
        assertThat(ftvm("run", missing.toString())).isEqualTo(3);
        assertThat(stderr()).contains(missing.toString()).contains("no such file");
    }

    @Test
    void textFileIsNotAnElf() throws IOException {
        Path text = Files.writeString(tmp.resolve("readme.txt"), "this is not an executable\n".repeat(4));
        assertThat(ftvm("run", text.toString())).isEqualTo(3);
        assertThat(stderr()).contains("readme.txt").contains("not an ELF");
    }

    @Test
    void elf32IsRejected() throws IOException {
        byte[] bytes = elf(new Asm.Program().add(finish(0x5555)), Map.of());
        bytes[4] = 1; // ELFCLASS32
        assertThat(ftvm("run", write("elf32.elf", bytes).toString())).isEqualTo(3);
        assertThat(stderr()).contains("elf32.elf").contains("64-bit");
    }

    @Test
    void segmentOutsideRamIsRejected() throws IOException {
        Path image = guest("big", new Asm.Program().add(finish(0x5555)));
        assertThat(ftvm("run", "--ram", "1M", image.toString())).isZero();
        byte[] bytes = elf(new Asm.Program().add(finish(0x5555)), Map.of());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(104, 2L << 20); // memsz 2 MiB
        resetCaptured();
        assertThat(ftvm("run", "--ram", "1M", write("big2.elf", bytes).toString())).isEqualTo(3);
        assertThat(stderr()).contains("outside RAM");
    }

    // ------------------------------------------------------------------ bad command lines

    @Test
    void ramSizeZeroIsRejected() throws IOException {
        assertBadRam("0", "'0'");
    }

    @Test
    void ramSizeNotAMultipleOf4KiBIsRejected() throws IOException {
        assertBadRam("12345", "12345");
    }

    @Test
    void ramSizeAboveTheMaximumIsRejected() throws IOException {
        assertBadRam("4G", "4294967296");
    }

    @Test
    void ramSizeThatIsNotANumberIsRejected() throws IOException {
        assertBadRam("banana", "'banana'");
    }

    private void assertBadRam(String value, String named) throws IOException {
        Path image = guest("pass", new Asm.Program().add(finish(0x5555)));
        assertThat(ftvm("run", "--ram", value, image.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--ram").contains(named);
        assertThat(stdout()).isEmpty();
    }

    @Test
    void ramSizeSuffixesAreAccepted() throws IOException {
        Path image = guest("pass", new Asm.Program().add(finish(0x5555)));
        for (String size : new String[] {"1M", "2MiB", "4096K", "1048576", "64mb"}) {
            assertThat(ftvm("run", "--ram", size, image.toString())).as(size).isZero();
        }
        assertThat(stderr()).isEmpty();
    }

    @Test
    void negativeInstructionLimitIsRejected() throws IOException {
        Path image = guest("pass", new Asm.Program().add(finish(0x5555)));
        assertThat(ftvm("run", "--max-instructions", "-5", image.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--max-instructions").contains("-5");
    }

    @Test
    void unknownOptionIsRejected() throws IOException {
        Path image = guest("pass", new Asm.Program().add(finish(0x5555)));
        assertThat(ftvm("run", "--turbo", image.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--turbo");
    }

    @Test
    void missingImageParameterIsRejected() {
        assertThat(ftvm("run")).isEqualTo(2);
        assertThat(stderr()).contains("IMAGE");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        assertThat(ftvm("run", "--help")).isZero();
        assertThat(stdout()).contains("--max-instructions").contains("--signature").contains("--ram");
    }

    @Test
    void directoryIsNotAnImage() {
        assertThat(Ftvm.execute("run", tmp.toString())).isEqualTo(3);
        assertThat(stderr()).contains("is a directory").doesNotContain("Exception");
    }

    @Test
    void unwritableSignatureFileIsReportedWithItsOwnStatus() throws IOException {
        Path image = committedImage("hello", tmp);
        Path sig = tmp.resolve("no-such-dir").resolve("x.sig");
        assertThat(Ftvm.execute("run", "--signature", sig.toString(), image.toString())).isEqualTo(4);
        assertThat(stderr()).contains("cannot write").contains(sig.toString());
    }
}
