package io.ftvm.replication;

/**
 * Who a connection is for: the protocol version this end speaks, the cluster, the VM and the epoch it acts in.
 * A peer's handshake must match on all of them (the epoch may not be older than ours).
 */
public record PeerIdentity(int protocolVersion, String clusterId, String vmId, long epoch) {
    public static final int PROTOCOL_VERSION = 1;

    /**
     * Checks a peer's handshake against this identity.
     *
     * @throws ProtocolException naming the mismatch: version, cluster, VM, stale epoch or wrong role
     */
    public void check(Messages.Handshake h, Messages.Role expectedRole) throws ProtocolException {
        if (h.protocolVersion() != protocolVersion) {
            throw new ProtocolException("protocol version " + h.protocolVersion() + " is not spoken here (we speak "
                    + protocolVersion + ")");
        }
        if (!h.clusterId().equals(clusterId)) {
            throw new ProtocolException("peer belongs to cluster '" + h.clusterId() + "', not '" + clusterId + "'");
        }
        if (!h.vmId().equals(vmId)) {
            throw new ProtocolException("peer is for VM '" + h.vmId() + "', not '" + vmId + "'");
        }
        if (h.epoch() < epoch) {
            throw new ProtocolException("peer's epoch " + h.epoch() + " is stale (current epoch " + epoch + ")");
        }
        if (h.role() != expectedRole) {
            throw new ProtocolException("peer claims role " + h.role() + ", expected " + expectedRole);
        }
    }
}
