package io.ftvm.coordinator;

/**
 * A transition that the VM's current state does not allow (for example a takeover by a host that is not the in-sync
 * backup). Carries the state it was refused against, so the caller can see who holds which role.
 */
public final class IllegalTransitionException extends CoordinatorException {
    private static final long serialVersionUID = 1L;
    private final transient VmState current;
    private final transient Transition transition;

    public IllegalTransitionException(VmState current, Transition transition, String why) {
        super("cannot " + transition + " at " + current + ": " + why);
        this.current = current;
        this.transition = transition;
    }

    /** The state the transition was refused against. */
    public VmState current() {
        return current;
    }

    public Transition transition() {
        return transition;
    }
}
