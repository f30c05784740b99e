package io.ftvm.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files are 0600 whether they are new or replace a world-readable file, and leave no temporary behind. */
class SecretFilesTest {
    @Test
    void writesOwnerOnlyFiles(@TempDir Path dir) throws Exception {
        Path fresh = SecretFiles.write(dir.resolve("ftd.yaml"), "password: s3cret-pass\n");
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(SecretFiles.OWNER_ONLY);
        assertThat(Files.readString(fresh)).isEqualTo("password: s3cret-pass\n");

        Path old = Files.writeString(dir.resolve("admin-token"), "old");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        SecretFiles.write(old, "new-token\n");
        assertThat(Files.getPosixFilePermissions(old)).isEqualTo(SecretFiles.OWNER_ONLY);
        assertThat(Files.readString(old)).isEqualTo("new-token\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ftd.yaml",
                    "admin-token");
        }
    }
}
