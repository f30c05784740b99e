package io.ftvm.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ftctl demo --script}, both guests, as the README's first command runs it. */
class DemoIT {
    @TempDir
    Path dir;

    private static int demo(String... args) {
        return new CommandLine(new Demo()).execute(args);
    }

    @Test
    void theLinuxServersTcpClientCarriesOnThroughAFailover() {
        assertThat(demo("--script", "--guest", "linux", "--images", "../guests/images/linux", "--dir",
                dir.resolve("linux").toString())).isZero();
    }

    @Test
    void theConsoleGuestsSessionCarriesOnThroughAFailover() {
        assertThat(demo("--script", "--guest", "kvstore", "--dir", dir.resolve("kv").toString())).isZero();
    }

    @Test
    void badChoicesAreNamed() {
        assertThat(demo("--guest", "windows")).isEqualTo(2);
        assertThat(demo("--guest", "linux", "--images", dir.resolve("none").toString())).isEqualTo(2);
    }
}
