package io.ftvm.node.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold secrets (an ftd config with the ZooKeeper password and admin token, a token file): readable and
 * writable by their owner only (0600) from the moment they exist, never briefly world-readable. A file is written
 * next to its target under a temporary name created with those permissions, then moved over the target, so a
 * rewrite (a host restarted with its config written again) replaces an old file atomically and leaves 0600 too.
 */
public final class SecretFiles {
    /** rw------- */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFiles() {
    }

    /** Writes {@code text} (UTF-8) to {@code file} with owner-only permissions; returns {@code file}. */
    public static Path write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", attrs);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }
}
