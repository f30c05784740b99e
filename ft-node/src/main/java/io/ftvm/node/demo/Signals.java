package io.ftvm.node.demo;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Stopping and continuing a process with SIGSTOP / SIGCONT straight from this JVM (kill(2) through JNA): forking
 * {@code kill} takes tens of milliseconds from a large JVM, which would blur the instant a crash starts in the
 * failover figures. Linux signal numbers (the same on x86-64 and arm64).
 */
final class Signals {
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;

    private interface C extends Library {
        int kill(int pid, int sig) throws LastErrorException;
    }

    private final C c = Native.load("c", C.class);

    /** Sends {@code signal} to {@code pid}. */
    void send(long pid, int signal) {
        try {
            c.kill(Math.toIntExact(pid), signal);
        } catch (LastErrorException e) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed: errno " + e.getErrorCode(), e);
        }
    }
}
