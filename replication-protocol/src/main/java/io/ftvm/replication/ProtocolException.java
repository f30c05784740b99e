package io.ftvm.replication;

/** A peer broke the protocol (malformed or unexpected message); the connection is closed with this reason. */
public class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String reason) {
        super(reason);
    }

    public ProtocolException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
