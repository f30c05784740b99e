package io.ftvm.coordinator;

/**
 * Base of the coordinator's typed exceptions. Unchecked: every coordinator call that talks to ZooKeeper may throw
 * {@link CoordinatorUnavailableException} or {@link CoordinatorAccessDeniedException}; callers decide per role what
 * that means (see {@link CoordinationState}).
 */
public class CoordinatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CoordinatorException(String message) {
        super(message);
    }

    public CoordinatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
