package io.ftvm.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who the other end of one primary–backup pair must be, and how it proves it. A pair is fixed by the VM's record:
 * the backup's tenure names one primary host and one backup host. Each end's handshake carries its host id, a fresh
 * nonce, and an HMAC-SHA256 with the pair's {@link PairKey} over the handshake's fields and both ends' nonces; the
 * peer accepts it only if the host is the one the pair expects, the proof verifies, the peer's TLS certificate (when
 * TLS is on) names that host, and the {@link HandshakeGate} (the VM's current record, in ftd) still names the pair.
 * A peer's claims are checked, never believed.
 *
 * @param localHost this end's host id (sent in its handshake)
 * @param peerHost  the host id the other end must prove to be
 * @param key       the pair's shared secret
 * @param gate      the last check, against the record of who holds which role now
 */
public record PairTrust(String localHost, String peerHost, PairKey key, HandshakeGate gate) {
    private static final String MAC = "HmacSHA256";
    private static final byte[] DOMAIN = "ftvm-replication-handshake-v2".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** The last check of a peer's handshake, after its proof verified (see {@link PairTrust}). */
    @FunctionalInterface
    public interface HandshakeGate {
        /** Admits every handshake whose proof verified (for tests and tools without a coordinator). */
        HandshakeGate PROOF_ONLY = h -> { };

        /**
         * @throws HandshakeRefusedException naming why the pair is not (or no longer) the VM's
         */
        void admit(Messages.Handshake h) throws HandshakeRefusedException;
    }

    public PairTrust {
        Objects.requireNonNull(localHost, "localHost");
        Objects.requireNonNull(peerHost, "peerHost");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(gate, "gate");
        if (localHost.equals(peerHost)) {
            throw new IllegalArgumentException("a pair needs two hosts, both are '" + localHost + "'");
        }
    }

    /** A fresh nonce for a challenge or a handshake. */
    public static byte[] nonce() {
        byte[] b = new byte[WireMapper.NONCE_BYTES];
        NONCES.get().nextBytes(b);
        return b;
    }

    private static final ThreadLocal<SecureRandom> NONCES = ThreadLocal.withInitial(SecureRandom::new);

    /**
     * This end's handshake: {@code peerNonce} is the nonce the peer sent (the backup's challenge, or the primary's
     * handshake nonce), {@code ownNonce} this end's.
     */
    public Messages.Handshake sign(PeerIdentity id, Messages.Role role, long resumeFrom, byte[] peerNonce,
            byte[] ownNonce) {
        byte[] proof = mac(id.protocolVersion(), id.clusterId(), id.vmId(), id.epoch(), role, resumeFrom, localHost,
                peerHost, peerNonce, ownNonce);
        return new Messages.Handshake(id.protocolVersion(), id.clusterId(), id.vmId(), id.epoch(), role, resumeFrom,
                localHost, ownNonce, proof);
    }

    /**
     * Verifies a peer's handshake whose other fields {@link PeerIdentity#check} already checked.
     *
     * @param ownNonce         the nonce this end sent the peer (its proof must cover it)
     * @param certifiedNames   the host names the peer's TLS certificate carries, or null on a connection without TLS
     * @throws HandshakeRefusedException naming what failed (never the expected secret or proof)
     */
    public void verify(Messages.Handshake h, byte[] ownNonce, Set<String> certifiedNames)
            throws HandshakeRefusedException {
        if (!h.host().equals(peerHost)) {
            throw new HandshakeRefusedException("peer claims to be host '" + h.host() + "', but this pair's "
                    + h.role().name().toLowerCase(java.util.Locale.ROOT) + " is '" + peerHost + "'");
        }
        byte[] expected = mac(h.protocolVersion(), h.clusterId(), h.vmId(), h.epoch(), h.role(), h.resumeFrom(),
                h.host(), localHost, ownNonce, h.nonce());
        if (!MessageDigest.isEqual(expected, h.proof())) {
            throw new HandshakeRefusedException("handshake proof from '" + h.host() + "' does not verify (not the "
                    + "pair's key)");
        }
        if (certifiedNames != null && !certifiedNames.contains(peerHost)) {
            throw new HandshakeRefusedException("peer's TLS certificate names " + certifiedNames + ", not host '"
                    + peerHost + "'");
        }
        gate.admit(h);
    }

    private byte[] mac(int version, String cluster, String vm, long epoch, Messages.Role role, long resumeFrom,
            String from, String to, byte[] peerNonce, byte[] ownNonce) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(DOMAIN);
            out.writeInt(version);
            out.writeUTF(cluster);
            out.writeUTF(vm);
            out.writeLong(epoch);
            out.writeUTF(role.name());
            out.writeLong(resumeFrom);
            out.writeUTF(from);
            out.writeUTF(to);
            out.writeInt(peerNonce.length);
            out.write(peerNonce);
            out.writeInt(ownNonce.length);
            out.write(ownNonce);
            Mac m = Mac.getInstance(MAC);
            m.init(new SecretKeySpec(key.bytes(), MAC));
            return m.doFinal(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
