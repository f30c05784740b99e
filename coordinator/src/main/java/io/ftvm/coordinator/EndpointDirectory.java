package io.ftvm.coordinator;

import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Where a role holder can be reached for one VM and one tenure: {@code /ftvm/<cluster>/endpoints/<vm>.<role>.<since>}
 * holds an {@link Endpoint} record ({@code host:port} and the pair's key), as an ephemeral znode of the holder's
 * session (it disappears with the holder). A backup publishes its replication endpoint here; its primary looks it
 * up. The tenure (the epoch at which the holder got the role) keeps an old holder's address from being used for a
 * new one. Only the cluster's identity can read these znodes ({@link FtvmAcls}): the key never leaves the cluster.
 */
public final class EndpointDirectory {
    static final String ENDPOINTS = "/endpoints";

    private final CoordinatorClient client;
    private final CuratorFramework curator;
    private final RecordCodec codec = new RecordCodec();

    public EndpointDirectory(CoordinatorClient client) {
        this.client = client;
        this.curator = client.curator();
    }

    private String path(String vmId, Role role, long since) {
        HostInfo.checkId("VM id", vmId);
        return ENDPOINTS + "/" + vmId + "." + role.name().toLowerCase(java.util.Locale.ROOT) + "." + since;
    }

    /** Publishes {@code endpoint} (replacing an earlier one of this session). */
    public void publish(String vmId, Role role, long since, Endpoint endpoint) {
        String p = path(vmId, role, since);
        byte[] data = codec.encodeEndpoint(endpoint);
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

    /**
     * The published endpoint, if any.
     *
     * @throws RecordFormatException when the znode does not hold a valid endpoint record
     */
    public Optional<Endpoint> lookup(String vmId, Role role, long since) {
        String p = path(vmId, role, since);
        try {
            return Optional.of(codec.decodeEndpoint(client.paths().full(p), curator.getData().forPath(p)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (RecordFormatException e) {
            throw e;
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(p), e);
        }
    }

    /**
     * Every endpoint published now, by znode name ({@code <vm>.<role>.<since>}); records that cannot be read (gone
     * meanwhile, or malformed) are left out.
     */
    public java.util.Map<String, Endpoint> list() {
        java.util.Map<String, Endpoint> all = new java.util.TreeMap<>();
        java.util.List<String> names;
        try {
            names = curator.getChildren().forPath(ENDPOINTS);
        } catch (KeeperException.NoNodeException e) {
            return all;
        } catch (Exception e) {
            throw ZkErrors.translate(client.paths().full(ENDPOINTS), e);
        }
        for (String name : names) {
            String p = ENDPOINTS + "/" + name;
            try {
                all.put(name, codec.decodeEndpoint(client.paths().full(p), curator.getData().forPath(p)));
            } catch (KeeperException.NoNodeException | RecordFormatException e) {
                // withdrawn meanwhile, or not a valid record: not an endpoint to use
            } catch (Exception e) {
                throw ZkErrors.translate(client.paths().full(p), e);
            }
        }
        return all;
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
