package io.ftvm.replication;

/** A connection could not be made, or an endpoint could not listen (the message names the address and why). */
public final class ConnectFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
