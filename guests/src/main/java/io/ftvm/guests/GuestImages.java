package io.ftvm.guests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The committed guest images, as classpath resources {@code io/ftvm/guests/images/NAME.elf}. */
public final class GuestImages {
    private static final String PREFIX = "images/";

    private GuestImages() {
    }

    /**
     * The bytes of the image {@code name} (without {@code .elf}), e.g. {@code hello} or {@code cpubench}.
     *
     * @throws IllegalArgumentException if there is no such image
     */
    public static byte[] bytes(String name) {
        try (InputStream in = GuestImages.class.getResourceAsStream(PREFIX + name + ".elf")) {
            if (in == null) {
                throw new IllegalArgumentException("no guest image named '" + name + "'");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading guest image " + name, e);
        }
    }
}
