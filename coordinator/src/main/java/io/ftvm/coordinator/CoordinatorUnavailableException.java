package io.ftvm.coordinator;

/**
 * ZooKeeper could not be reached (connection loss that outlasted the retry policy, session expiry during the call, or
 * a timeout). The operation may or may not have been applied: a caller that retries a role change must re-read the
 * record first (the CAS makes a duplicate harmless: it is lost, not applied twice).
 */
public final class CoordinatorUnavailableException extends CoordinatorException {
    private static final long serialVersionUID = 1L;

    public CoordinatorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
