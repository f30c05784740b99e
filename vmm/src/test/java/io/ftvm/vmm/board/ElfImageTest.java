package io.ftvm.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ElfImage.parse rejects malformed images with an {@link InvalidImageException} that names the problem. */
class ElfImageTest {
    private static final long RAM = 0x8000_0000L;
    private static final byte[] CODE = {0x13, 0, 0, 0, 0x6f, 0, 0, 0};

    private static byte[] valid() {
        return new ElfWriter().entry(RAM).segment(RAM, CODE, 0x1000).segment(RAM + 0x2000, new byte[16], 32).build();
    }

    private static void rejects(byte[] image, String... fragments) {
        assertThatThrownBy(() -> ElfImage.parse("t.elf", image))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("t.elf: ")
                .hasMessageContainingAll(fragments);
    }

    @Test
    void parsesAValidImage() throws Exception {
        ElfImage image = ElfImage.parse("t.elf", valid());
        assertThat(image.entry()).isEqualTo(RAM);
        assertThat(image.name()).isEqualTo("t.elf");
        assertThat(image.segments()).hasSize(2);
        assertThat(image.segments().get(0).physicalAddress()).isEqualTo(RAM);
        assertThat(image.segments().get(0).memorySize()).isEqualTo(0x1000);
        assertThat(image.segments().get(0).data()).isEqualTo(CODE);
    }

    @Test
    void parsesTheCommittedHelloImage() throws Exception {
        ElfImage image = ElfImage.parse("hello.elf", hello());
        assertThat(image.entry()).isEqualTo(RAM);
        assertThat(image.segments()).isNotEmpty();
    }

    @Test
    void notAnElfFile() {
        rejects("#!/bin/sh\necho hi\n".getBytes(), "not an ELF file");
        rejects(new byte[0], "not an ELF file");
    }

    @Test
    void truncatedHeader() {
        rejects(Arrays.copyOf(valid(), 40), "truncated", "40 bytes");
    }

    @Test
    void thirtyTwoBitClass() {
        byte[] b = valid();
        b[4] = 1;
        rejects(b, "class 1", "64-bit");
    }

    @Test
    void bigEndian() {
        byte[] b = valid();
        b[5] = 2;
        rejects(b, "byte order", "little-endian");
    }

    @Test
    void wrongMachine() {
        byte[] b = valid();
        ElfWriter.putShort(b, 0x12, 62);
        rejects(b, "machine 62", "RISC-V");
    }

    @Test
    void sharedObjectIsNotAnExecutable() {
        byte[] b = valid();
        ElfWriter.putShort(b, 0x10, 3);
        rejects(b, "type 3", "ET_EXEC");
    }

    @Test
    void programHeaderTableOutsideTheFile() {
        byte[] b = valid();
        ElfWriter.putLong(b, 0x20, b.length - 8);
        rejects(b, "program header table", "outside the file");
    }

    @Test
    void segmentDataOutsideTheFile() {
        byte[] b = valid();
        ElfWriter.putLong(b, ElfWriter.phdr(1) + 8, b.length + 100);
        rejects(b, "segment 1", "outside the file");
    }

    @Test
    void fileSizeLargerThanMemorySize() {
        byte[] b = valid();
        ElfWriter.putLong(b, ElfWriter.phdr(1) + 40, 8);
        rejects(b, "segment 1", "file size 16 exceeds memory size 8");
    }

    @Test
    void overlappingSegments() {
        byte[] b = new ElfWriter().segment(RAM, CODE, 0x1000).segment(RAM + 0xff8, CODE, 8).build();
        rejects(b, "overlap", "0x80000000", "0x80000ff8");
    }

    @Test
    void oddEntryPoint() {
        byte[] b = new ElfWriter().entry(RAM + 1).segment(RAM, CODE, 0x1000).build();
        rejects(b, "entry point 0x80000001", "aligned");
    }

    @Test
    void entryOutsideEverySegment() {
        byte[] b = new ElfWriter().entry(RAM + 0x1000).segment(RAM, CODE, 0x1000).build();
        rejects(b, "entry point 0x80001000", "not inside a loadable segment");
    }

    static byte[] hello() {
        try (InputStream in = ElfImageTest.class.getClassLoader()
                .getResourceAsStream("io/ftvm/guests/images/hello.elf")) {
            assertThat(in).as("hello.elf on the test classpath").isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
