package io.ftvm.node.daemon;

import io.ftvm.primary.PrimaryRole;
import io.ftvm.primary.RecordingCopy;
import io.ftvm.primary.RecordingUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Copies of a running primary's recording for the admin API ({@code GET /v1/local/vms/VM/recording}). */
final class RecordingExport {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingExport.class);

    /** The VM's recording cannot be had on this host (recording off, not started yet, closed). */
    static final class RecordingUnavailable extends IOException {
        private static final long serialVersionUID = 1L;

        RecordingUnavailable(String message) {
            super(message);
        }
    }

    private RecordingExport() {
    }

    /**
     * Copies VM {@code vmId}'s recording as primary {@code p} holds it into a temporary file under {@code dir}
     * (complete records only; consistent while the VM runs on); the caller deletes the file.
     *
     * @throws IOException when the recording cannot be copied or is unavailable (the message says why)
     */
    static Path copy(String vmId, PrimaryRole p, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, vmId + "-", ".recording");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            RecordingCopy c = p.copyRecording(out);
            LOG.info("VM {}: recording copied: {} bytes, icount {}..{}{}", vmId, c.bytes(), c.firstIcount(),
                    c.lastIcount(), c.truncated() ? " (truncated: " + c.reason() + ")" : "");
            return tmp;
        } catch (RecordingUnavailableException e) {
            Files.deleteIfExists(tmp);
            throw new RecordingUnavailable(e.getMessage());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
