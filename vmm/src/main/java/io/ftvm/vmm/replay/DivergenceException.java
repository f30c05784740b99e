package io.ftvm.vmm.replay;

/**
 * Replay no longer matches the recording: a digest differs, or the machine cannot reach or accept an entry where
 * the log says it should. The replaying machine must be discarded, never continued.
 */
public final class DivergenceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long icount;
    private final String expected;
    private final String actual;

    public DivergenceException(long icount, String what, String expected, String actual) {
        super("divergence at icount " + icount + ": " + what + " (expected " + expected + ", actual " + actual + ")");
        this.icount = icount;
        this.expected = expected;
        this.actual = actual;
    }

    public long icount() {
        return icount;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
