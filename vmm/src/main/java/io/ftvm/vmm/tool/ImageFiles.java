package io.ftvm.vmm.tool;

import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and parses a guest image for the commands, turning every failure into one message naming the problem. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** Thrown with a message ready for stderr. */
    static final class ImageReadException extends Exception {
        private static final long serialVersionUID = 1L;

        ImageReadException(String message) {
            super(message);
        }
    }

    static ElfImage read(Path image) throws ImageReadException {
        return parse(image, readBytes(image));
    }

    static ElfImage parse(Path image, byte[] bytes) throws ImageReadException {
        try {
            return ElfImage.parse(image.toString(), bytes);
        } catch (InvalidImageException e) {
            throw new ImageReadException(e.getMessage());
        }
    }

    static byte[] readBytes(Path image) throws ImageReadException {
        if (Files.isDirectory(image)) {
            throw new ImageReadException(image + ": is a directory, not an image file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (NoSuchFileException e) {
            throw new ImageReadException(image + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ImageReadException(image + ": permission denied");
        } catch (IOException e) {
            throw new ImageReadException(image + ": cannot be read: " + e.getMessage());
        }
        return bytes;
    }
}
