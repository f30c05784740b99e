package io.ftvm.cli;

/**
 * A command failed in a way the operator must hear about: the message goes to stderr and {@link #exitCode()} is the
 * process's exit status (see {@link ExitCodes}).
 */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
