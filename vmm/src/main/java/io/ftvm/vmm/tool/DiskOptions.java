package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.VirtioSpec;
import io.ftvm.vmm.devices.virtio.DiskException;
import io.ftvm.vmm.devices.virtio.DiskImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --disk FILE[,ro]} (repeatable): virtio disks backed by image files (a picocli mixin). */
final class DiskOptions {
    @Option(names = "--disk", paramLabel = "FILE[,ro]",
            description = "attach a virtio disk backed by FILE (raw image, a whole number of 512-byte sectors); "
                    + ",ro attaches it read-only. Repeatable.")
    List<String> disks = new ArrayList<>();

    /** A --disk value that cannot be used; the message names it. */
    static final class DiskOptionException extends Exception {
        private static final long serialVersionUID = 1L;

        DiskOptionException(String message) {
            super(message);
        }
    }

    /** The configuration's entries for the disks, in order. */
    List<VirtioSpec> specs() throws DiskOptionException {
        List<VirtioSpec> specs = new ArrayList<>();
        for (String d : disks) {
            specs.add(VirtioSpec.disk(parse(d).readOnly));
        }
        return specs;
    }

    private record Parsed(Path path, boolean readOnly) {
    }

    private static Parsed parse(String value) throws DiskOptionException {
        String[] parts = value.split(",", -1);
        if (parts[0].isEmpty()) {
            throw new DiskOptionException("--disk " + value + ": no file named");
        }
        boolean ro = false;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals("ro")) {
                ro = true;
            } else if (!parts[i].equals("rw")) {
                throw new DiskOptionException("--disk " + value + ": unknown option '" + parts[i]
                        + "' (known: ro, rw)");
            }
        }
        return new Parsed(Path.of(parts[0]), ro);
    }

    /** Opens every image; on a failure closes those already opened and names the bad one. */
    List<DiskImage> open() throws DiskOptionException {
        return open(false);
    }

    /** Opens every image as an overlay: the files are only read, the guest's writes stay in memory (debugging). */
    List<DiskImage> openOverlays() throws DiskOptionException {
        return open(true);
    }

    private List<DiskImage> open(boolean overlays) throws DiskOptionException {
        List<DiskImage> opened = new ArrayList<>();
        try {
            for (String d : disks) {
                Parsed p = parse(d);
                opened.add(overlays ? DiskImage.openOverlay(p.path, p.readOnly) : DiskImage.open(p.path, p.readOnly));
            }
            return opened;
        } catch (DiskException e) {
            close(opened);
            throw new DiskOptionException("--disk: " + e.getMessage());
        } catch (DiskOptionException e) {
            close(opened);
            throw e;
        }
    }

    static void close(List<DiskImage> images) {
        for (DiskImage d : images) {
            try {
                d.close();
            } catch (IOException ignored) {
                // closing after use or after a failure: nothing to do
            }
        }
    }
}
