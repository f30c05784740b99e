package io.ftvm.vmm.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The committed Linux guest (guests/images/linux) and the commands that run it on ftvm and on QEMU. */
final class LinuxGuest {
    static final String CMDLINE = "console=ttyS0 quiet";
    /** The lines a session types after the guest's init says it is ready; each is followed by a prompt. */
    static final List<String> SESSION = List.of(
            "echo session start",
            "uname -sr",
            "echo $((6 * 7))",
            "ls /",
            "cat /data/README",
            "echo written by the guest > /data/note.txt && sync && cat /data/note.txt",
            "md5sum /data/note.txt",
            "cat /sys/block/vda/size",
            "cat /proc/sys/kernel/random/entropy_avail > /dev/null && echo rng ok",
            "ls /data");

    private LinuxGuest() {
    }

    static Path dir() {
        return Path.of(System.getProperty("ftvm.guests.dir", "../guests/images")).resolve("linux");
    }

    static Path kernel() {
        return dir().resolve("Image");
    }

    static Path initrd() {
        return dir().resolve("initramfs.cpio");
    }

    /** A private copy of the data disk (the guest writes it). */
    static Path diskCopy(Path into, String name) throws IOException {
        return Files.copy(dir().resolve("disk.ext4"), into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code ftvm run} in a child JVM on this module's classes. */
    static List<String> ftvm(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseParallelGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.ftvm.vmm.tool.Ftvm");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@link #SESSION} on a booted guest and returns its transcript (from the first prompt on). */
    static String runSession(ConsoleSession console) throws Exception {
        console.expect("ftvm-init: ready", 120);
        console.expect("# ", 60);
        StringBuilder transcript = new StringBuilder();
        for (String line : SESSION) {
            console.send(line);
            transcript.append(console.expect("# ", 60));
        }
        return transcript.toString();
    }
}
