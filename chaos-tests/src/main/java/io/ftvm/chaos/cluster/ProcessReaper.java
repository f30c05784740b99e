package io.ftvm.chaos.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts the child processes of one run, signals them, and makes sure none outlives the run: {@link #close()} (and a
 * JVM shutdown hook, for a harness that is itself killed gently) continues every stopped child and kills every live
 * one with SIGKILL, by PID.
 */
public final class ProcessReaper implements AutoCloseable {
    private final Map<Long, Process> children = new ConcurrentHashMap<>();
    private final Thread hook = new Thread(this::killAll, "chaos-reaper");
    /** Set once {@link #killAll} began: a process started after that would outlive the run, so none is. */
    private boolean closed;

    public ProcessReaper() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code command} with stdout and stderr appended to {@code log}, in a session of its own (Ctrl-C on the
     * harness's terminal reaches the harness, which ends the run in order, not every host at once).
     *
     * @throws IllegalStateException when the reaper is already killing everything (the harness is ending)
     */
    public Process start(List<String> command, Path log) throws IOException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the run is ending: not starting " + String.join(" ", command));
            }
            Process p = new ProcessBuilder(Shell.ownSession(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            children.put(p.pid(), p);
            return p;
        }
    }

    /** The command line of a JVM running {@code mainClass} on this JVM's class path. */
    public static List<String> java(String heap, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseZGC", "-XX:CICompilerCount=2", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** SIGKILL, then waits (up to 10 s) until the process is gone. */
    public void kill(Process p) throws InterruptedException {
        signal(p, "CONT"); // a stopped process dies on SIGKILL too, but leave nothing to chance
        p.destroyForcibly();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + p.pid() + " survived SIGKILL for 10 s");
        }
        children.remove(p.pid());
    }

    /** Sends SIGSTOP. */
    public void stop(Process p) {
        signal(p, "STOP");
    }

    /** Sends SIGCONT. */
    public void resume(Process p) {
        signal(p, "CONT");
    }

    private static void signal(Process p, String name) {
        if (!p.isAlive()) {
            return;
        }
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).redirectErrorStream(true)
                    .start();
            if (!k.waitFor(5, TimeUnit.SECONDS)) {
                k.destroyForcibly();
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " did not return in 5 s");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + name + " to " + p.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void killAll() {
        synchronized (this) {
            closed = true;
        }
        for (Process p : children.values()) {
            if (p.isAlive()) {
                signal(p, "CONT");
                p.destroyForcibly();
            }
        }
        for (Process p : children.values()) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        children.clear();
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
