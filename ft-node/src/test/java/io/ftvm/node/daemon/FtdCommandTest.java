package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ftd}'s command line: bad arguments and bad configs exit with 2 and say what is wrong. */
class FtdCommandTest {
    @Test
    void badArgumentsAndConfigsExitWithTwo(@TempDir Path dir) throws Exception {
        assertThat(new CommandLine(new Ftd()).setErr(new java.io.PrintWriter(new java.io.StringWriter()))
                .execute()).as("no --config").isEqualTo(2);
        Path bad = Files.writeString(dir.resolve("ftd.yaml"), "hostId: a\nwhat: ever\n");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new Ftd()).execute("--config", bad.toString())).isEqualTo(2);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ftd: config " + bad).contains("unknown key 'what'");
    }
}
