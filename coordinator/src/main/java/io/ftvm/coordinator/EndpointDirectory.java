package io.ftvm.coordinator;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Where a role holder can be reached for one VM and one tenure: {@code /ftvm/<cluster>/endpoints/<vm>.<role>.<since>}
 * holds {@code host:port}, as an ephemeral znode of the holder's session (it disappears with the holder). A backup
 * publishes its replication endpoint here; its primary looks it up. The tenure (the epoch at which the holder got the
 * role) keeps an old holder's address from being used for a new one.
 */
public final class EndpointDirectory {
    static final String ENDPOINTS = "/endpoints";

    private final CoordinatorClient client;
    private final CuratorFramework curator;

    public EndpointDirectory(CoordinatorClient client) {
        this.client = client;
        this.curator = client.curator();
    }

    private String path(String vmId, Role role, long since) {
        HostInfo.checkId("VM id", vmId);
        return ENDPOINTS + "/" + vmId + "." + role.name().toLowerCase(java.util.Locale.ROOT) + "." + since;
    }

    /** Publishes {@code address} (replacing an earlier one of this session). */
    public void publish(String vmId, Role role, long since, String address) {
        String p = path(vmId, role, since);
        byte[] data = address.getBytes(StandardCharsets.UTF_8);
        try {
            try {
                curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(p, data);
            } catch (KeeperException.NodeExistsException e) {
                curator.setData().forPath(p, data);
            }
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(p), e);
        }
    }

    /** The published address, if any. */
    public Optional<String> lookup(String vmId, Role role, long since) {
        String p = path(vmId, role, since);
        try {
            return Optional.of(new String(curator.getData().forPath(p), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(p), e);
        }
    }

    /** Removes a published address (when the role ends before the session does). */
    public void withdraw(String vmId, Role role, long since) {
        String p = path(vmId, role, since);
        try {
            curator.delete().forPath(p);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(p), e);
        }
    }
}
