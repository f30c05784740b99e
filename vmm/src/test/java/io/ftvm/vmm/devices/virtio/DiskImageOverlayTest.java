package io.ftvm.vmm.devices.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlay images (the replay debugger's disks): writes stay in memory and read back, the content hash is the one a
 * real image would have after the same writes, a kept state comes back exactly, and the file is never written.
 */
class DiskImageOverlayTest {
    @TempDir
    Path dir;

    private Path image(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void writesStayInMemoryAndHashLikeARealImage() throws Exception {
        byte[] content = new byte[64 * 1024 + 1024];
        new Random(1).nextBytes(content);
        Path a = image("a.img", content);
        Path b = image("b.img", content);
        byte[] data = new byte[6000];
        new Random(2).nextBytes(data);
        try (DiskImage overlay = DiskImage.openOverlay(a, false); DiskImage real = DiskImage.open(b, false)) {
            assertThat(overlay.contentHash()).isEqualTo(real.contentHash());
            DiskImage.OverlayState before = overlay.overlayState();
            overlay.write(4000, data, data.length); // across two block boundaries
            real.write(4000, data, data.length);
            overlay.write(64 * 1024 + 512, data, 512); // the partial last block
            real.write(64 * 1024 + 512, data, 512);
            assertThat(overlay.contentHash()).isEqualTo(real.contentHash()).isNotEqualTo(before.combined());
            byte[] back = new byte[data.length];
            overlay.read(4000, back, back.length);
            assertThat(back).isEqualTo(data);
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            overlay.copyTo(Channels.newChannel(copy));
            assertThat(copy.toByteArray()).isEqualTo(Files.readAllBytes(b));

            DiskImage.OverlayState after = overlay.overlayState();
            overlay.write(0, data, 512);
            overlay.restoreOverlay(before);
            assertThat(overlay.contentHash()).isEqualTo(before.combined());
            byte[] start = new byte[8192];
            overlay.read(0, start, start.length);
            assertThat(start).isEqualTo(Arrays.copyOf(content, 8192));
            overlay.restoreOverlay(after);
            assertThat(overlay.contentHash()).isEqualTo(real.contentHash());
        }
        assertThat(Files.readAllBytes(a)).as("the file is never written").isEqualTo(content);
    }

    @Test
    void onlyOverlaysKeepStates() throws Exception {
        try (DiskImage real = DiskImage.open(image("c.img", new byte[4096]), false)) {
            assertThatThrownBy(real::overlayState).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not an overlay image");
        }
    }
}
