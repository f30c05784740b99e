package io.ftvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line: a bar redrawn in place on a terminal, a line per phase otherwise, nothing for JSON. */
class ProgressTest {
    private final StringWriter err = new StringWriter();

    @Test
    void aTerminalGetsABarRedrawnInPlace() {
        Progress p = new Progress(new PrintWriter(err), true, true);
        p.update("snapshot to host-2", 512, 1024, 1500);
        p.update("snapshot to host-2", 1024, 1024, 2000);
        p.finish();
        String s = err.toString();
        assertThat(s).contains("\r[###############...............]  50% snapshot to host-2 (1.5 s)")
                .contains("\r[##############################] 100% snapshot to host-2 (2.0 s)").endsWith("\n");
        assertThat(s.chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
    }

    @Test
    void aPhaseWithoutATotalHasNoBar() {
        Progress p = new Progress(new PrintWriter(err), true, true);
        p.update("re-protecting (NEED_SECONDARY)", 0, 0, 250);
        assertThat(err.toString()).contains("\rre-protecting (NEED_SECONDARY) (0.3 s)").doesNotContain("[#").doesNotContain("%");
    }

    @Test
    void logsGetOneLinePerPhase() {
        Progress p = new Progress(new PrintWriter(err), true, false);
        p.update("waiting for the backup to take over", 0, 0, 10);
        p.update("waiting for the backup to take over", 0, 0, 60);
        p.update("snapshot to host-3", 10, 100, 300);
        p.update("snapshot to host-3", 90, 100, 900);
        p.finish();
        assertThat(err.toString()).isEqualTo("... waiting for the backup to take over\n... snapshot to host-3\n");
    }

    @Test
    void jsonOutputGetsNothing() {
        Progress p = new Progress(new PrintWriter(err), false, true);
        p.update("snapshot to host-2", 1, 2, 3);
        p.finish();
        assertThat(err.toString()).isEmpty();
    }
}
