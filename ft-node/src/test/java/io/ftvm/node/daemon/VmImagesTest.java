package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.guests.GuestImages;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VM's image is a built-in guest or a file inside imageDir; nothing else on the host is read or probed. */
class VmImagesTest {
    @TempDir
    Path root;
    private Path imageDir;
    private VmImages images;

    @BeforeEach
    void setUp() throws Exception {
        imageDir = Files.createDirectories(root.resolve("images"));
        images = new VmImages(imageDir);
    }

    @Test
    void builtInGuestsAndFilesInImageDirAreRead() throws Exception {
        assertThat(images.read("kvstore")).isEqualTo(GuestImages.bytes("kvstore"));
        byte[] hello = GuestImages.bytes("hello");
        Files.write(imageDir.resolve("web.elf"), hello);
        Files.createDirectories(imageDir.resolve("team-a"));
        Files.write(imageDir.resolve("team-a/web.elf"), hello);
        Files.createSymbolicLink(imageDir.resolve("current.elf"), imageDir.resolve("team-a/web.elf"));
        for (String name : new String[] {"web.elf", "team-a/web.elf", "./web.elf", "team-a//web.elf", "current.elf"}) {
            assertThatCode(() -> images.check(name)).as(name).doesNotThrowAnyException();
            assertThat(images.read(name)).as(name).isEqualTo(hello);
        }
    }

    @Test
    void pathsOutsideImageDirAreRefusedWithoutLookingAtThem() throws Exception {
        Path secret = Files.writeString(root.resolve("secret"), "not an image");
        for (String name : new String[] {secret.toString(), "/etc/passwd", "/nonexistent", "../secret",
            "team-a/../../secret", "..", "a\\b", "a\0b", "x".repeat(300), "", " "}) {
            assertThatThrownBy(() -> images.check(name)).as(name).isInstanceOf(VmImages.BadImageException.class);
            assertThatThrownBy(() -> images.read(name)).as(name).isInstanceOf(VmImages.BadImageException.class);
        }
        // the same answer whether the absolute path exists or not: nothing is revealed
        String there = message(secret.toString());
        String notThere = message(root.resolve("nothing").toString());
        assertThat(there).contains("absolute path").contains(imageDir.toString());
        assertThat(there.replace(secret.toString(), "P")).isEqualTo(notThere.replace(root.resolve("nothing")
                .toString(), "P"));
        assertThat(message("../secret")).contains("'..'");
    }

    @Test
    void symbolicLinksOutOfImageDirAreRefused() throws Exception {
        Path secret = Files.writeString(root.resolve("secret.elf"), "not an image");
        Files.createSymbolicLink(imageDir.resolve("escape.elf"), secret);
        Files.createSymbolicLink(imageDir.resolve("up"), root);
        assertThat(message("escape.elf")).contains("outside imageDir");
        assertThat(message("up/secret.elf")).contains("outside imageDir");
    }

    @Test
    void missingDirectoriesAndOversizedFilesAreNamed() throws Exception {
        assertThat(message("nothing.elf")).contains("neither a built-in guest nor a file in imageDir");
        assertThat(message("no-such-guest")).contains("neither a built-in guest");
        Files.createDirectories(imageDir.resolve("dir.elf"));
        assertThat(message("dir.elf")).contains("not a regular file");
        assertThat(message(".")).contains("not a regular file");
        try (RandomAccessFile f = new RandomAccessFile(imageDir.resolve("huge.elf").toFile(), "rw")) {
            f.setLength(VmImages.MAX_IMAGE_BYTES + 1); // sparse
        }
        assertThat(message("huge.elf")).contains("bytes (at most");
        assertThat(new VmImages(root.resolve("absent")).imageDir()).isEqualTo(root.resolve("absent"));
        assertThatThrownBy(() -> new VmImages(root.resolve("absent")).check("web.elf"))
                .hasMessageContaining("does not exist");
        assertThatCode(() -> new VmImages(root.resolve("absent")).check("kvstore")).doesNotThrowAnyException();
    }

    private String message(String image) {
        try {
            images.check(image);
        } catch (VmImages.BadImageException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError(image + " was accepted");
    }
}
