package io.ftvm.coordinator;

/** ZooKeeper refused the operation by ACL (NoAuth or AuthFailed): the credentials in the config are wrong or missing. */
public final class CoordinatorAccessDeniedException extends CoordinatorException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public CoordinatorAccessDeniedException(String path, Throwable cause) {
        super("ZooKeeper refused access to " + path
                + ": check coordinator.user/coordinator.password (digest ACL)", cause);
        this.path = path;
    }

    /** The znode (full path, including the cluster root) that was refused. */
    public String path() {
        return path;
    }
}
