package io.ftvm.coordinator;

/** The VM has no record (never created, or deleted). */
public final class NoSuchVmException extends CoordinatorException {
    private static final long serialVersionUID = 1L;
    private final String vmId;

    public NoSuchVmException(String vmId) {
        super("no VM record for '" + vmId + "'");
        this.vmId = vmId;
    }

    public String vmId() {
        return vmId;
    }
}
