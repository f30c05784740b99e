package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the host commands that build and change the test network ({@code ip}, {@code iptables}), each bounded by a
 * timeout (the output is read on its own thread, so a command that hangs with its output open still times out). A
 * command that fails or hangs throws {@link NetworkSetupException} with its command line, exit code and output, so
 * a broken setup says what broke.
 */
final class Shell {
    /** {@code iptables -w N}: how long to wait for the xtables lock (another iptables in the same namespace). */
    static final String IPTABLES_WAIT_SECONDS = "5";
    private static final long TIMEOUT_SECONDS = 20;
    /** util-linux's setsid, if the machine has it (Debian always does). */
    private static final Optional<String> SETSID = locate("setsid");

    private Shell() {
    }

    /** Runs {@code command}; its output (stdout and stderr together) when it exits 0. */
    static String run(List<String> command) {
        String line = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(ownSession(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new NetworkSetupException("cannot run '" + line + "': " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            InputStream in = p.getInputStream();
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NetworkSetupException("'" + line + "' did not end in " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new NetworkSetupException("'" + line + "' exited with " + p.exitValue()
                        + (text.isEmpty() ? "" : ": " + text));
            }
            return text;
        } catch (IOException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new NetworkSetupException("'" + line + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NetworkSetupException("interrupted while running '" + line + "'", e);
        }
    }

    /** {@link #run(List)} that reports failure as false instead of throwing (for cleanup and probes). */
    static boolean tryRun(List<String> command) {
        try {
            run(command);
            return true;
        } catch (NetworkSetupException e) {
            return false;
        }
    }

    /**
     * {@code command} run through {@code setsid} (when the machine has it): in a session of its own, so a Ctrl-C on the
     * harness's terminal does not kill it with the harness's process group. The process keeps its PID ({@code setsid}
     * execs in place in a process that is not a group leader, which a child of the JVM never is).
     */
    static List<String> ownSession(List<String> command) {
        return SETSID.map(s -> {
            List<String> c = new java.util.ArrayList<>(command.size() + 1);
            c.add(s);
            c.addAll(command);
            return c;
        }).orElse(command);
    }

    /** The executable of that name on the PATH or in /usr/sbin or /sbin (where ip and iptables live), if any. */
    static Optional<String> locate(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name).toString());
            }
        }
        return Optional.empty();
    }
}
