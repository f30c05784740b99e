package io.ftvm.node.daemon;

import io.ftvm.guests.GuestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a VM's image comes from. A VM spec's {@code image} is either the name of a built-in guest ({@code kvstore},
 * {@code hello}: {@link GuestImages}) or a relative path inside this host's {@code imageDir} ({@code web.elf},
 * {@code team-a/web.elf}). Absolute paths, {@code ..} and anything that resolves outside {@code imageDir} (through
 * symbolic links too) are refused before any file is looked at, so a VM spec can neither read host files nor tell
 * whether one exists. The operations API checks an image when a VM is created; the primary checks it again when it
 * boots the VM.
 */
final class VmImages {
    /** The largest image a VM may boot. */
    static final long MAX_IMAGE_BYTES = 64L << 20;
    private static final Pattern BUILT_IN = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final int MAX_NAME = 255;

    private final Path imageDir;

    VmImages(Path imageDir) {
        this.imageDir = imageDir;
    }

    /** An image that cannot be used; the message says why (and is safe to return to an API client). */
    static final class BadImageException extends Exception {
        private static final long serialVersionUID = 1L;

        BadImageException(String message) {
            super(message);
        }
    }

    Path imageDir() {
        return imageDir;
    }

    /** Checks {@code image} without loading it: a built-in guest, or a readable file of bounded size in imageDir. */
    void check(String image) throws BadImageException {
        if (builtIn(image)) {
            return;
        }
        Path file = resolve(image);
        try {
            long size = Files.size(file);
            if (size > MAX_IMAGE_BYTES) {
                throw new BadImageException(quote(image) + " is " + size + " bytes (at most " + MAX_IMAGE_BYTES + ")");
            }
        } catch (IOException e) {
            throw new BadImageException(quote(image) + " cannot be read in imageDir " + imageDir);
        }
        if (!Files.isReadable(file)) {
            throw new BadImageException(quote(image) + " in imageDir " + imageDir + " is not readable by ftd");
        }
    }

    /**
     * The regular file {@code name} names inside imageDir (no size bound: disk images are copied, not read into
     * memory).
     */
    Path locate(String name) throws BadImageException {
        if (name == null || name.isBlank()) {
            throw new BadImageException("the image name is empty");
        }
        Path file = resolve(name);
        if (!Files.isReadable(file)) {
            throw new BadImageException(quote(name) + " in imageDir " + imageDir + " is not readable by ftd");
        }
        return file;
    }

    /** The bytes of {@code image}, checked as {@link #check} does. */
    byte[] read(String image) throws BadImageException, IOException {
        if (builtIn(image)) {
            return GuestImages.bytes(image);
        }
        Path file = resolve(image);
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) MAX_IMAGE_BYTES + 1);
            if (bytes.length > MAX_IMAGE_BYTES) {
                throw new BadImageException(quote(image) + " is larger than " + MAX_IMAGE_BYTES + " bytes");
            }
            return bytes;
        }
    }

    private static boolean builtIn(String image) throws BadImageException {
        if (image == null || image.isBlank()) {
            throw new BadImageException("the image name is empty");
        }
        if (!BUILT_IN.matcher(image).matches()) {
            return false;
        }
        try {
            GuestImages.bytes(image);
            return true;
        } catch (IllegalArgumentException noSuchGuest) {
            return false;
        }
    }

    /**
     * The regular file {@code image} names inside imageDir, its symbolic links resolved.
     *
     * @throws BadImageException when the name is not a relative path that stays inside imageDir, or names no file
     */
    private Path resolve(String image) throws BadImageException {
        if (image.length() > MAX_NAME || image.chars().anyMatch(c -> Character.isISOControl(c) || c == '\\')) {
            throw new BadImageException(quote(image) + " is not an image name (at most " + MAX_NAME
                    + " characters, no control characters or backslashes)");
        }
        Path relative;
        try {
            relative = Path.of(image);
        } catch (InvalidPathException e) {
            throw new BadImageException(quote(image) + " is not a file name");
        }
        if (relative.isAbsolute() || image.startsWith("/")) {
            throw new BadImageException(quote(image) + " is an absolute path: name a built-in guest (e.g. kvstore) "
                    + "or a file relative to imageDir " + imageDir);
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new BadImageException(quote(image) + " contains '..': an image must stay inside imageDir "
                        + imageDir);
            }
        }
        Path dir;
        try {
            dir = imageDir.toRealPath();
        } catch (IOException e) {
            throw new BadImageException(quote(image) + " is neither a built-in guest nor in imageDir " + imageDir
                    + " (the directory does not exist)");
        }
        Path real;
        try {
            real = dir.resolve(relative).normalize().toRealPath();
        } catch (NoSuchFileException e) {
            throw new BadImageException(quote(image) + " is neither a built-in guest nor a file in imageDir "
                    + imageDir);
        } catch (IOException e) {
            throw new BadImageException(quote(image) + " cannot be read in imageDir " + imageDir);
        }
        if (!real.startsWith(dir)) {
            throw new BadImageException(quote(image) + " resolves outside imageDir " + imageDir
                    + " (through a symbolic link): refused");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new BadImageException(quote(image) + " in imageDir " + imageDir + " is not a regular file");
        }
        return real;
    }

    private static String quote(String image) {
        return "image '" + NodeConfig.show(image) + "'";
    }
}
