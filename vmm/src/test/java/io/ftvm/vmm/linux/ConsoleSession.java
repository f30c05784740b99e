package io.ftvm.vmm.linux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A guest's serial console as a test drives it: a process (ftvm or QEMU) whose stdout is collected by a reader
 * thread, {@link #expect} waits (bounded) for text, {@link #send} types a line. Like a person at a terminal: the
 * next command is typed only once the shell has shown its prompt.
 */
final class ConsoleSession implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Thread reader;
    private int mark;

    ConsoleSession(List<String> command, Path stderr) throws IOException {
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        stdin = process.getOutputStream();
        InputStream out = process.getInputStream();
        reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = out.read(buf)) > 0) {
                    synchronized (output) {
                        output.write(buf, 0, n);
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "console-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Everything the console printed so far. */
    String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Waits until {@code text} appears after the previous match and returns what came before it since then.
     *
     * @throws AssertionError with the console so far when it does not appear in time
     */
    String expect(String text, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        synchronized (output) {
            while (true) {
                String all = output.toString(StandardCharsets.ISO_8859_1);
                int at = all.indexOf(text, mark);
                if (at >= 0) {
                    String before = all.substring(mark, at);
                    mark = at + text.length();
                    return before;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("the console did not show '" + text + "' within " + timeoutSeconds
                            + " s; it showed:\n" + all.substring(Math.max(0, all.length() - 3000)));
                }
                output.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** Types a line (with a line feed). */
    void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
        stdin.flush();
    }

    /** Waits (bounded) for the process to end and returns its exit status. */
    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within " + timeoutSeconds + " s; console:\n"
                    + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
