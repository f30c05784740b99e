package io.ftvm.chaos.cluster;

/** The test network could not be built, changed or torn down; the message names the command and what it said. */
public final class NetworkSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetworkSetupException(String message) {
        super(message);
    }

    public NetworkSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
