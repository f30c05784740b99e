package io.ftvm.vmm.differential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Locates the committed guest images (guests/images/*.elf) for the integration tests. */
final class GuestImages {
    private GuestImages() {
    }

    static Path directory() {
        String dir = System.getProperty("ftvm.guests.dir", "../guests/images");
        Path p = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("guest image directory not found: " + p);
        }
        return p;
    }

    static List<Path> all() throws IOException {
        try (Stream<Path> s = Files.list(directory())) {
            List<Path> images = s.filter(p -> p.toString().endsWith(".elf")).sorted().collect(Collectors.toList());
            if (images.isEmpty()) {
                throw new IllegalStateException("no guest images in " + directory());
            }
            return images;
        }
    }

    /**
     * The scripted console input of an interactive image ({@code guests/sessions/NAME.txt}), if it has one; its
     * expected output is beside it as {@code NAME.expected}.
     */
    static java.util.Optional<Path> session(Path image) {
        Path p = directory().resolveSibling("sessions").resolve(name(image) + ".txt");
        return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }

    static String name(Path image) {
        String n = image.getFileName().toString();
        return n.substring(0, n.length() - 4);
    }
}
