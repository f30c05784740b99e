package io.ftvm.replication;

import java.util.Objects;

/**
 * Who a connection is for: the protocol version this end speaks, the cluster, the VM, the pair's epoch (the tenure
 * the VM's record gave this backup), and the {@link PairTrust} that says which host the peer must be and how it
 * proves it. A peer's handshake must match on all of them: an older epoch is stale, a newer one is refused too (a
 * claim of a future epoch is never believed; only the record moves a role).
 */
public record PeerIdentity(int protocolVersion, String clusterId, String vmId, long epoch, PairTrust trust) {
    /** Version 2: the backup challenges first and both handshakes carry a proof ({@link PairTrust}). */
    public static final int PROTOCOL_VERSION = 2;

    public PeerIdentity {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(trust, "trust");
    }

    /**
     * Checks a peer's handshake against this identity: fields first, then the peer's proof, certificate and the
     * gate ({@link PairTrust#verify}).
     *
     * @param ownNonce       the nonce this end sent the peer
     * @param certifiedNames the names in the peer's TLS certificate, or null without TLS
     * @throws ProtocolException naming the mismatch: version, cluster, VM, epoch, role, host, proof, certificate or
     *                           record ({@link HandshakeRefusedException} for all but a wrong role)
     */
    public void check(Messages.Handshake h, Messages.Role expectedRole, byte[] ownNonce,
            java.util.Set<String> certifiedNames) throws ProtocolException {
        if (h.role() != expectedRole) {
            throw new ProtocolException("peer claims role " + h.role() + ", expected " + expectedRole);
        }
        if (h.protocolVersion() != protocolVersion) {
            throw new HandshakeRefusedException("protocol version " + h.protocolVersion() + " is not spoken here (we "
                    + "speak " + protocolVersion + ")");
        }
        if (!h.clusterId().equals(clusterId)) {
            throw new HandshakeRefusedException("peer belongs to cluster '" + h.clusterId() + "', not '" + clusterId
                    + "'");
        }
        if (!h.vmId().equals(vmId)) {
            throw new HandshakeRefusedException("peer is for VM '" + h.vmId() + "', not '" + vmId + "'");
        }
        if (h.epoch() < epoch) {
            throw new HandshakeRefusedException("peer's epoch " + h.epoch() + " is stale (this pair's epoch is "
                    + epoch + ")");
        }
        if (h.epoch() > epoch) {
            throw new HandshakeRefusedException("peer claims epoch " + h.epoch() + ", ahead of this pair's epoch "
                    + epoch + ": refused (only the VM's record moves an epoch)");
        }
        trust.verify(h, ownNonce, certifiedNames);
    }

    /** This end's signed handshake (see {@link PairTrust#sign}). */
    public Messages.Handshake handshake(Messages.Role role, long resumeFrom, byte[] peerNonce, byte[] ownNonce) {
        return trust.sign(this, role, resumeFrom, peerNonce, ownNonce);
    }

    /** The same end at another epoch (a test of stale and future claims). */
    public PeerIdentity withEpoch(long other) {
        return new PeerIdentity(protocolVersion, clusterId, vmId, other, trust);
    }

    /** Both ends of one pair. */
    public record Pair(PeerIdentity primary, PeerIdentity backup) {
    }

    /**
     * Both ends of one pair sharing a fresh {@link PairKey}, admitted on their proof alone (no record to check): for
     * benchmarks and tests that run both ends in one process. With TLS, the hosts must be the names in the ends'
     * certificates.
     */
    public static Pair localPair(String cluster, String vm, long epoch, String primaryHost, String backupHost) {
        PairKey key = PairKey.random();
        return new Pair(
                new PeerIdentity(PROTOCOL_VERSION, cluster, vm, epoch, new PairTrust(primaryHost, backupHost, key,
                        PairTrust.HandshakeGate.PROOF_ONLY)),
                new PeerIdentity(PROTOCOL_VERSION, cluster, vm, epoch, new PairTrust(backupHost, primaryHost, key,
                        PairTrust.HandshakeGate.PROOF_ONLY)));
    }
}
