package io.ftvm.primary;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.snapshot.SnapshotBundle;
import io.ftvm.vmm.snapshot.SnapshotFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file a joining backup is sent: the paused machine as a {@link SnapshotFile}, or, when it has disks, as a
 * {@link SnapshotBundle} that carries their bytes as they are at this instruction; then the output released before
 * this instruction as a {@link ConsoleTail} trailer, so that the backup's history does not start here.
 */
final class JoinSnapshotFile {
    private static final Logger LOG = LoggerFactory.getLogger(JoinSnapshotFile.class);

    private JoinSnapshotFile() {
    }

    /** Writes {@code m} (paused) and the tail of {@code history} to {@code dir/<id>.snap} and returns the file. */
    static Path write(Machine m, OutputHistory history, Path dir, String id) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(id + ".snap");
        if (m.attachments().disks().isEmpty()) {
            try (OutputStream out = Files.newOutputStream(file)) {
                SnapshotFile.write(m, out);
            }
        } else {
            SnapshotBundle.write(m, file);
        }
        java.util.Optional<ConsoleTail> tail = ConsoleTail.of(history, m.consoleOffset());
        if (tail.isPresent()) {
            tail.get().appendTo(file);
        }
        return file;
    }

    /** Removes a snapshot file that will not be sent (nothing when null or gone). */
    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", file, e.toString());
            }
        }
    }
}
