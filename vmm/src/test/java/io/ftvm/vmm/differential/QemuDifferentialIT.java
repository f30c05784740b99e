package io.ftvm.vmm.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.cpu.CpuObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every guest image runs on QEMU's virt machine ({@code qemu-system-riscv64 -machine virt -bios none -nographic
 * -kernel IMAGE}) and on ours; console output and exit status must match byte for byte.
 */
class QemuDifferentialIT {
    private static final String QEMU = "qemu-system-riscv64";
    private static final long QEMU_TIMEOUT_SECONDS = 120;

    @BeforeAll
    static void qemuInstalled() throws Exception {
        try {
            Process p = new ProcessBuilder(QEMU, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            Assertions.assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
        } catch (IOException e) {
            Assertions.fail(QEMU + " is not installed (Debian: apt-get install qemu-system-misc); "
                    + "the differential test needs it as the reference");
        }
    }

    static Stream<Path> images() throws IOException {
        return GuestImages.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void sameConsoleAndExitStatusAsQemu(Path image) throws Exception {
        QemuResult q = runQemu(image);
        GuestRun ours = GuestRun.of(image, CpuObserver.NONE);
        assertThat(ours.reason()).as("our run of %s", image).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(new String(ours.console(), StandardCharsets.ISO_8859_1))
                .as("console of %s", GuestImages.name(image))
                .isEqualTo(new String(q.console(), StandardCharsets.ISO_8859_1));
        assertThat(ours.exitCode()).as("exit status of %s", image).isEqualTo(q.exitCode());
        java.util.Optional<Path> session = GuestImages.session(image);
        if (session.isPresent()) {
            Path expected = session.get().resolveSibling(GuestImages.name(image) + ".expected");
            assertThat(new String(ours.console(), StandardCharsets.ISO_8859_1))
                    .as("console of %s against %s", image, expected)
                    .isEqualTo(java.nio.file.Files.readString(expected, StandardCharsets.ISO_8859_1));
        }
    }

    private record QemuResult(byte[] console, int exitCode) {
    }

    private static QemuResult runQemu(Path image) throws Exception {
        java.util.Optional<Path> session = GuestImages.session(image);
        // Interactive guests get their session script on the serial port; -nographic would interpret Ctrl-A.
        List<String> console = session.isPresent()
                ? List.of("-serial", "stdio", "-display", "none", "-monitor", "none")
                : List.of("-nographic");
        List<String> cmd = new java.util.ArrayList<>(List.of(QEMU, "-machine", "virt", "-bios", "none"));
        cmd.addAll(console);
        cmd.addAll(List.of("-kernel", image.toString()));
        // The console goes to a file, not a pipe: QEMU's UART drops a character it cannot write after a few retries,
        // so a reader slowed down by a loaded machine would lose reference output.
        Path consoleFile = java.nio.file.Files.createTempFile("qemu-console-", ".out");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(false)
                    .redirectInput(session.isPresent() ? ProcessBuilder.Redirect.from(session.get().toFile())
                            : ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(consoleFile.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (session.isEmpty()) {
                p.getOutputStream().close();
            }
            if (!p.waitFor(QEMU_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Assertions.fail("QEMU did not finish " + image + " within " + QEMU_TIMEOUT_SECONDS + " s");
            }
            return new QemuResult(java.nio.file.Files.readAllBytes(consoleFile), p.exitValue());
        } finally {
            java.nio.file.Files.deleteIfExists(consoleFile);
        }
    }
}
