package io.ftvm.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr for long waits (snapshot transfer, re-protection): redrawn in place on a terminal,
 * one line per phase change otherwise (logs stay readable), nothing at all for JSON output.
 */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final boolean terminal;
    private String lastPhase;
    private boolean drawn;

    Progress(PrintWriter err, boolean enabled, boolean terminal) {
        this.err = err;
        this.enabled = enabled;
        this.terminal = terminal;
    }

    /** The command's progress: on stderr, shown for table output only, redrawn in place on a terminal. */
    static Progress of(picocli.CommandLine.Model.CommandSpec spec, Ftctl root) {
        return new Progress(spec.commandLine().getErr(), root.output() == Ftctl.OutputFormat.table,
                System.console() != null);
    }

    /** Shows {@code phase}, with a bar when {@code total > 0}. */
    void update(String phase, long done, long total, long elapsedMillis) {
        if (!enabled) {
            return;
        }
        if (!terminal) {
            if (!phase.equals(lastPhase)) {
                err.println("... " + phase);
                err.flush();
                lastPhase = phase;
            }
            return;
        }
        StringBuilder b = new StringBuilder("\r");
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format("%3d%% ", done * 100 / total));
        }
        b.append(phase).append(String.format(" (%.1f s)", elapsedMillis / 1000.0));
        err.print(b + "\033[K");
        err.flush();
        drawn = true;
        lastPhase = phase;
    }

    /** Ends the progress line. */
    void finish() {
        if (enabled && terminal && drawn) {
            err.println();
            err.flush();
        }
        drawn = false;
    }
}
