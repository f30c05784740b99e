package io.ftvm.cli.console;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Puts the controlling terminal in raw mode (no line editing, no echo, Ctrl-C passed to the VM) with {@code stty},
 * and restores the saved settings on {@link #restore()} or at JVM exit. Does nothing when stdin is not a terminal.
 */
final class RawTerminal {
    static final RawTerminal NONE = new RawTerminal(null);

    private final String saved;
    private boolean restored;

    private RawTerminal(String saved) {
        this.saved = saved;
    }

    static RawTerminal enterIfTerminal(PrintStream err) {
        if (System.console() == null) {
            return NONE;
        }
        try {
            String saved = stty("-g").trim();
            stty("raw", "-echo");
            RawTerminal t = new RawTerminal(saved);
            Runtime.getRuntime().addShutdownHook(new Thread(t::restore, "ftvm-console-tty"));
            return t;
        } catch (IOException e) {
            err.println("[ftvm: cannot set raw mode (" + e.getMessage() + "); input is line-buffered]");
            return NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NONE;
        }
    }

    synchronized void restore() {
        if (saved == null || restored) {
            return;
        }
        restored = true;
        try {
            stty(saved);
        } catch (IOException e) {
            // the terminal is gone; nothing to restore
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stty(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] outBytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroy();
            throw new IOException("stty " + String.join(" ", args) + " failed");
        }
        return new String(outBytes, StandardCharsets.UTF_8);
    }
}
