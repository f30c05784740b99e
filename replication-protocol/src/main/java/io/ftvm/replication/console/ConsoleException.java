package io.ftvm.replication.console;

/**
 * A console-protocol failure the caller can act on: its {@link ConsoleError} code and, where the code has one, the
 * offset it names (the oldest output held for {@link ConsoleError#OFFSET_NOT_HELD}, the input accepted so far for
 * {@link ConsoleError#INPUT_GAP}); {@code -1} otherwise.
 */
public class ConsoleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ConsoleError code;
    private final long offset;

    public ConsoleException(ConsoleError code, long offset, String message) {
        super(message);
        this.code = code;
        this.offset = offset;
    }

    public ConsoleException(ConsoleError code, String message) {
        this(code, -1, message);
    }

    public ConsoleError code() {
        return code;
    }

    /** The offset the error names, or -1. */
    public long offset() {
        return offset;
    }
}
