package io.ftvm.coordinator;

import org.apache.zookeeper.KeeperException;

/** Maps ZooKeeper's and Curator's exceptions to the coordinator's typed ones, in one place. */
final class ZkErrors {
    private ZkErrors() {
    }

    /**
     * The typed exception for {@code e}, raised while working on {@code fullPath}. Coordinator exceptions pass
     * through; interruption keeps the thread's interrupt flag.
     */
    static CoordinatorException translate(String fullPath, Exception e) {
        if (e instanceof CoordinatorException ce) {
            return ce;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new CoordinatorUnavailableException("interrupted while working on " + fullPath, e);
        }
        if (e instanceof KeeperException.NoAuthException || e instanceof KeeperException.AuthFailedException) {
            return new CoordinatorAccessDeniedException(fullPath, e);
        }
        if (e instanceof KeeperException.ConnectionLossException
                || e instanceof KeeperException.SessionExpiredException
                || e instanceof KeeperException.OperationTimeoutException
                || e instanceof KeeperException.SessionMovedException) {
            return new CoordinatorUnavailableException("ZooKeeper unavailable while working on " + fullPath + " ("
                    + ((KeeperException) e).code() + ")", e);
        }
        return new CoordinatorException("ZooKeeper error at " + fullPath + ": " + e, e);
    }
}
