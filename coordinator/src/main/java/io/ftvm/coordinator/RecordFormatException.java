package io.ftvm.coordinator;

/**
 * A znode's data is not an ftvm record this version can read: not JSON, another kind of record, an unknown
 * {@code format} number, a missing or invalid field. Names the znode and the problem; the data is never guessed at.
 */
public final class RecordFormatException extends CoordinatorException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String problem;

    public RecordFormatException(String path, String problem) {
        super("unreadable ftvm record at " + path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    public RecordFormatException(String path, String problem, Throwable cause) {
        super("unreadable ftvm record at " + path + ": " + problem, cause);
        this.path = path;
        this.problem = problem;
    }

    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }
}
