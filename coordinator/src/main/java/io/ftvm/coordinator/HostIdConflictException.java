package io.ftvm.coordinator;

/** Another live ZooKeeper session has registered the same host id: two {@code ftd}s were configured with one name. */
public final class HostIdConflictException extends CoordinatorException {
    private static final long serialVersionUID = 1L;
    private final String hostId;

    public HostIdConflictException(String hostId, long otherSession) {
        super("host id '" + hostId + "' is registered by another live session (0x" + Long.toHexString(otherSession)
                + "): each ftd needs its own host id");
        this.hostId = hostId;
    }

    public String hostId() {
        return hostId;
    }
}
