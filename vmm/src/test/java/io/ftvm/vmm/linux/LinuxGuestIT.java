package io.ftvm.vmm.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux guest on ftvm through {@code ftvm run}: it boots to a shell with the builtin SBI, runs commands that use
 * the virtio disk and entropy device, and powers off with status 0; a recorded session replays to identical console
 * bytes and an identical disk.
 */
class LinuxGuestIT {
    @TempDir
    Path dir;

    @Test
    void bootsToAShellRunsCommandsAndPowersOff() throws Exception {
        Path disk = LinuxGuest.diskCopy(dir, "disk.ext4");
        Path record = dir.resolve("session.ftrec");
        String transcript;
        String recordedConsole;
        try (ConsoleSession console = new ConsoleSession(LinuxGuest.ftvm("run", "--kernel",
                LinuxGuest.kernel().toString(), "--initrd", LinuxGuest.initrd().toString(), "--disk",
                disk.toString(), "--append", LinuxGuest.CMDLINE, "--record", record.toString()),
                dir.resolve("ftvm.err"))) {
            transcript = LinuxGuest.runSession(console);
            console.send("poweroff -f");
            assertThat(console.waitFor(60)).as("exit status; stderr: %s", Files.readString(dir.resolve("ftvm.err")))
                    .isZero();
            recordedConsole = console.output();
        }
        assertThat(transcript).contains("Linux 6.1").contains("42").contains("written by the guest")
                .contains("16384").contains("rng ok").contains("note.txt");
        byte[] recordedDisk = Files.readAllBytes(disk);
        assertThat(recordedDisk).isNotEqualTo(Files.readAllBytes(LinuxGuest.dir().resolve("disk.ext4")));

        // Replay on a fresh copy of the original disk: the same console, and the same disk at the end.
        Path replayDisk = LinuxGuest.diskCopy(dir, "replay.ext4");
        Process replay = new ProcessBuilder(LinuxGuest.ftvm("replay", record.toString(), "--disk",
                replayDisk.toString())).redirectError(dir.resolve("replay.err").toFile()).start();
        byte[] replayed = replay.getInputStream().readAllBytes();
        assertThat(replay.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).as("replay: %s", Files.readString(dir.resolve("replay.err"))).isZero();
        String console = new String(replayed, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(console).as("replayed console").isEqualTo(recordedConsole);
        assertThat(Files.readAllBytes(replayDisk)).as("disk after replay").isEqualTo(recordedDisk);
    }

    /** Debian's OpenSBI ({@code fw_dynamic.bin}, package opensbi) boots the same kernel to the same session. */
    @Test
    void openSbiFromDebianBootsTheSameKernel() throws Exception {
        Path firmware = Path.of("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
        assertThat(firmware).as("Debian's opensbi package (bin/test installs it)").exists();
        String[] transcripts = new String[2];
        for (int i = 0; i < 2; i++) {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--kernel", LinuxGuest.kernel().toString(),
                    "--initrd", LinuxGuest.initrd().toString(), "--disk",
                    LinuxGuest.diskCopy(dir, "disk" + i + ".ext4").toString(), "--append", LinuxGuest.CMDLINE));
            if (i == 1) {
                args.addAll(List.of("--bios", firmware.toString()));
            }
            try (ConsoleSession console = new ConsoleSession(LinuxGuest.ftvm(args.toArray(String[]::new)),
                    dir.resolve("ftvm" + i + ".err"))) {
                transcripts[i] = LinuxGuest.runSession(console);
                console.send("poweroff -f");
                assertThat(console.waitFor(60)).isZero();
                if (i == 1) {
                    assertThat(console.output()).as("OpenSBI's banner").contains("OpenSBI");
                }
            }
        }
        assertThat(transcripts[1]).isEqualTo(transcripts[0]);
    }

    /** {@code ftvm run VM.yaml} boots what the description names: its disk, its NIC with its MAC. */
    @Test
    void aVmDescriptionBootsTheMachineItNames() throws Exception {
        Path disk = LinuxGuest.diskCopy(dir, "data.ext4");
        Path yaml = Files.writeString(dir.resolve("vm.yaml"), String.join("\n",
                "name: web1",
                "ram: 160M",
                "kernel: " + LinuxGuest.kernel().toAbsolutePath(),
                "initrd: " + LinuxGuest.initrd().toAbsolutePath(),
                "cmdline: " + LinuxGuest.CMDLINE,
                "disks:",
                "  - file: data.ext4",
                "nics:",
                "  - mac: 52:54:00:ab:cd:ef",
                ""));
        try (ConsoleSession console = new ConsoleSession(LinuxGuest.ftvm("run", yaml.toString()),
                dir.resolve("yaml.err"))) {
            console.expect("ftvm-init: ready", 120);
            console.expect("# ", 60);
            console.send("cat /sys/class/net/eth0/address; grep MemTotal /proc/meminfo; echo yaml > /data/y; sync");
            String shown = console.expect("# ", 60);
            assertThat(shown).contains("52:54:00:ab:cd:ef").contains("MemTotal");
            console.send("poweroff -f");
            assertThat(console.waitFor(60)).isZero();
        }
        assertThat(new String(Files.readAllBytes(disk), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("yaml\n");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "kernel: Image\nmemory: 1G\n");
        assertThat(run("run", bad.toString())).contains("memory: unknown key");

        // dumpdtb --vm writes the very tree the guest was given: its RAM, devices, command line and initrd.
        Path dtb = dir.resolve("vm.dtb");
        assertThat(io.ftvm.vmm.tool.Ftvm.execute("dumpdtb", "--vm", yaml.toString(), dtb.toString())).isZero();
        Process dtc = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", dtb.toString()).start();
        String dts = new String(dtc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(dtc.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(dts).contains("reg = <0x00 0x80000000 0x00 0xa000000>;").contains("virtio_mmio@10003000")
                .doesNotContain("virtio_mmio@10004000").contains("linux,initrd-start")
                .contains("bootargs = \"" + LinuxGuest.CMDLINE + "\";");
        assertThat(io.ftvm.vmm.tool.Ftvm.execute("dumpdtb", "--vm", bad.toString(), dtb.toString())).isEqualTo(2);
    }

    @Test
    void badBootInputIsNamed() throws Exception {
        Path notImage = Files.write(dir.resolve("not-an-image"), new byte[4096]);
        assertThat(run("run", "--kernel", notImage.toString())).contains("no \"RISCV\" magic");
        assertThat(run("run", "--kernel", LinuxGuest.kernel().toString(), "--disk", dir.resolve("nope").toString()))
                .contains("no such disk image");
        assertThat(run("run", "--kernel", LinuxGuest.kernel().toString(), "--ram", "4M"))
                .contains("raise --ram");
        assertThat(run("run", "--kernel", LinuxGuest.kernel().toString(), "--append", "x".repeat(1100)))
                .contains("1100 characters");
        assertThat(run("run", "--initrd", LinuxGuest.initrd().toString(), LinuxGuest.kernel().toString()))
                .contains("--initrd needs --kernel");
    }

    /** Runs ftvm expecting a failure; returns its stderr. */
    private String run(String... args) throws Exception {
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(LinuxGuest.ftvm(args)).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit status of %s", List.of(args)).isNotZero();
        return Files.readString(err);
    }
}
