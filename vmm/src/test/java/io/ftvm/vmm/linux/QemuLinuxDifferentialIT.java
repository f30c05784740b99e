package io.ftvm.vmm.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same kernel, initramfs and disk on QEMU's virt machine (virtio-mmio version 2, OpenSBI from QEMU's package)
 * and on ftvm (builtin SBI): the shell session's transcript, from the first prompt on, is identical. (Boot logs
 * differ: OpenSBI's banner, timings; the session is compared.)
 */
class QemuLinuxDifferentialIT {
    @TempDir
    Path dir;

    @Test
    void theShellSessionIsTheSameAsOnQemu() throws Exception {
        String ours;
        try (ConsoleSession c = new ConsoleSession(LinuxGuest.ftvm("run", "--kernel", LinuxGuest.kernel().toString(),
                "--initrd", LinuxGuest.initrd().toString(), "--disk", LinuxGuest.diskCopy(dir, "ftvm.ext4").toString(),
                "--append", LinuxGuest.CMDLINE), dir.resolve("ftvm.err"))) {
            ours = LinuxGuest.runSession(c);
            c.send("poweroff -f");
            assertThat(c.waitFor(60)).isZero();
        }
        String qemu;
        Path disk = LinuxGuest.diskCopy(dir, "qemu.ext4");
        try (ConsoleSession c = new ConsoleSession(List.of("qemu-system-riscv64", "-M", "virt", "-m", "128M",
                "-smp", "1", "-kernel", LinuxGuest.kernel().toString(), "-initrd", LinuxGuest.initrd().toString(),
                "-append", LinuxGuest.CMDLINE, "-drive", "file=" + disk + ",format=raw,if=none,id=hd0",
                "-device", "virtio-blk-device,drive=hd0", "-device", "virtio-rng-device",
                "-global", "virtio-mmio.force-legacy=false", "-serial", "stdio", "-display", "none",
                "-monitor", "none"), dir.resolve("qemu.err"))) {
            qemu = LinuxGuest.runSession(c);
            c.send("poweroff -f");
            assertThat(c.waitFor(60)).isZero();
        }
        assertThat(ours).isEqualTo(qemu);
    }
}
