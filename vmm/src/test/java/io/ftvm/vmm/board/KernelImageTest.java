package io.ftvm.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The Image header is checked before anything is loaded, and each way a file can be wrong is named. */
class KernelImageTest {

    /** A minimal Image: the header (version 0.2, both magics) and {@code length - 64} bytes of code. */
    static byte[] image(int length, long textOffset, long imageSize) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, textOffset).putLong(16, imageSize).putInt(32, 2).putLong(48, 0x5643534952L)
                .putInt(56, 0x05435352);
        return b.array();
    }

    @Test
    void acceptsAValidHeader() throws Exception {
        KernelImage k = KernelImage.parse("Image", image(8192, 0x200000, 0x10000));
        assertThat(k.textOffset()).isEqualTo(0x200000);
        assertThat(k.imageSize()).isEqualTo(0x10000);
        assertThat(k.length()).isEqualTo(8192);
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> KernelImage.parse("vmlinux", new byte[] {0x7f, 'E', 'L', 'F', 2, 1}))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("an ELF file, not a RISC-V Linux Image");
        assertThatThrownBy(() -> KernelImage.parse("tiny", new byte[10]))
                .hasMessageContaining("10 bytes is too short");
        assertThatThrownBy(() -> KernelImage.parse("zeros", new byte[4096]))
                .hasMessageContaining("no \"RISCV\" magic");
        byte[] noMagic2 = image(4096, 0x200000, 4096);
        noMagic2[56] = 0;
        assertThatThrownBy(() -> KernelImage.parse("k", noMagic2)).hasMessageContaining("RSC");
        byte[] bigEndian = image(4096, 0x200000, 4096);
        bigEndian[24] = 1;
        assertThatThrownBy(() -> KernelImage.parse("k", bigEndian)).hasMessageContaining("big-endian");
        assertThatThrownBy(() -> KernelImage.parse("k", image(4096, 0x123, 4096)))
                .hasMessageContaining("text offset 0x123");
        assertThatThrownBy(() -> KernelImage.parse("k", image(8192, 0x200000, 4096)))
                .hasMessageContaining("smaller than the file");
    }
}
