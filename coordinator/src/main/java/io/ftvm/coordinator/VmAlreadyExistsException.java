package io.ftvm.coordinator;

/** A VM record with this id exists already. */
public final class VmAlreadyExistsException extends CoordinatorException {
    private static final long serialVersionUID = 1L;
    private final String vmId;

    public VmAlreadyExistsException(String vmId) {
        super("a VM record for '" + vmId + "' exists already");
        this.vmId = vmId;
    }

    public String vmId() {
        return vmId;
    }
}
