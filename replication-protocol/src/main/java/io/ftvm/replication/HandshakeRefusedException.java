package io.ftvm.replication;

/**
 * A peer's handshake was well formed but is not accepted: another cluster or VM, an epoch that is not the pair's, a
 * host that is not the pair's peer, a proof that does not verify, a certificate for another host, or the VM's record
 * no longer naming the pair. Counted apart from malformed messages ({@link Framing.Stats#handshakeRefusals()}); the
 * connection is closed and nothing of the log, the snapshot store or the VM is touched.
 */
public final class HandshakeRefusedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public HandshakeRefusedException(String reason) {
        super(reason);
    }
}
