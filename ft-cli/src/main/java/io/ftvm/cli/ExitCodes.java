package io.ftvm.cli;

/** ftctl's exit codes (documented in {@code ftctl --help} and {@code docs/operations.md}). */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /** The cluster refused the operation or it did not succeed (a drill that failed, a VM that does not exist). */
    public static final int FAILED = 1;
    /** Bad arguments or options (picocli's usage error code). */
    public static final int USAGE = 2;
    /** No admin endpoint of the cluster could be reached. */
    public static final int UNREACHABLE = 3;
    /** The admin endpoint refused the credential. */
    public static final int UNAUTHORIZED = 4;
    /** A wait ran out of time (a drill's takeover or re-protection). */
    public static final int TIMEOUT = 5;

    private ExitCodes() {
    }
}
