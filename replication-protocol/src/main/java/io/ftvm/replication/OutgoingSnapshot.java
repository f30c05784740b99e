package io.ftvm.replication;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * A snapshot the primary offers a backup that cannot resume from the log: a file of {@code size} bytes with its
 * CRC32C, taken at {@code icount}, after which the log continues at sequence {@code nextSequence}. The same id must
 * always name the same bytes (a backup resumes a broken transfer by id).
 */
public record OutgoingSnapshot(String id, Path file, long size, int crc32c, long icount, long nextSequence) {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public OutgoingSnapshot {
        if (!SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("snapshot id '" + id + "' must be 1-128 letters, digits, '.', '_' or '-'");
        }
        if (size < 1 || icount < 0 || nextSequence < 0) {
            throw new IllegalArgumentException("snapshot " + id + ": size " + size + ", icount " + icount
                    + ", next sequence " + nextSequence + " out of range");
        }
    }

    /** Describes an existing file, computing its size and CRC32C. */
    public static OutgoingSnapshot of(String id, Path file, long icount, long nextSequence) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("snapshot file " + file + " does not exist or is not a file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            return new OutgoingSnapshot(id, file, size, SnapshotReceiver.crc32c(ch, size), icount, nextSequence);
        }
    }

    /** The offer that announces this snapshot. */
    Messages.SnapshotOffer offer() {
        return new Messages.SnapshotOffer(id, size, icount, nextSequence);
    }

    /** Supplies a snapshot when a backup needs one (the primary may pause its VM to take it). */
    @FunctionalInterface
    public interface Provider {
        /**
         * A snapshot whose {@code nextSequence} the sender still holds, for a backup that asked to resume at
         * {@code backupResumeFrom}. Completes exceptionally when none can be taken.
         */
        CompletionStage<OutgoingSnapshot> snapshotFor(long backupResumeFrom);
    }
}
