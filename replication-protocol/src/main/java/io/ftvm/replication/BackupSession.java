package io.ftvm.replication;

import java.io.IOException;

/**
 * One connection's protocol state on the backup, free of Netty: this end challenges first (a random nonce, nothing
 * else); the primary must answer with a handshake that {@link ReceiverLog#checkHandshake} accepts (its proof covers
 * the challenge), and only then does this end answer with its own handshake (the resume point); then log batches
 * flow (each ACKed on receipt), or a snapshot transfer runs (offer, chunks in order, completion) after which the log
 * continues where the snapshot ends. Anything out of order is a {@link ProtocolException}; the caller closes the
 * connection, and the log is untouched by the offending message.
 */
final class BackupSession {
    /** Where a connection is in the protocol. */
    enum State {
        AWAITING_HANDSHAKE, STREAMING, RECEIVING_SNAPSHOT
    }

    private final ReceiverLog log;
    private final SnapshotReceiver snapshots;
    private final java.util.function.Supplier<java.util.Set<String>> certifiedNames;
    private final byte[] challenge = PairTrust.nonce();
    private State state = State.AWAITING_HANDSHAKE;
    private Messages.SnapshotOffer offer;

    /**
     * {@code snapshots} may be null: this backup then refuses snapshot offers. {@code certifiedNames} gives the
     * names in the peer's TLS certificate once the connection is up (null without TLS).
     */
    BackupSession(ReceiverLog log, SnapshotReceiver snapshots,
            java.util.function.Supplier<java.util.Set<String>> certifiedNames) {
        this.log = log;
        this.snapshots = snapshots;
        this.certifiedNames = certifiedNames;
    }

    /** The first message of this connection: the challenge the primary's handshake proof must cover. */
    Messages.Challenge challenge() {
        return new Messages.Challenge(challenge);
    }

    State state() {
        return state;
    }

    /**
     * Handles one message; returns the reply to send (an ACK or a snapshot resume point), or null.
     *
     * @throws ProtocolException when the message breaks the protocol
     * @throws IOException when the snapshot cannot be stored
     */
    Messages.FromBackup onMessage(Messages.FromPrimary m) throws ProtocolException, IOException {
        if (m instanceof Messages.Heartbeat || m instanceof Messages.Goodbye) {
            return null;
        }
        switch (state) {
            case AWAITING_HANDSHAKE -> {
                if (!(m instanceof Messages.Handshake h)) {
                    throw new ProtocolException("expected a handshake first, got " + m.getClass().getSimpleName());
                }
                log.checkHandshake(h, challenge, certifiedNames.get());
                state = State.STREAMING;
                return log.handshake(h.nonce(), challenge);
            }
            case STREAMING -> {
                if (m instanceof Messages.LogBatch b) {
                    return log.onBatch(b);
                }
                if (m instanceof Messages.HandOver h) {
                    log.onHandOver(h);
                    return null;
                }
                if (m instanceof Messages.SnapshotOffer o) {
                    if (snapshots == null) {
                        throw new ProtocolException("snapshot offered, but this backup was set up without snapshot "
                                + "storage");
                    }
                    String refusal = snapshots.refusal();
                    if (refusal != null) {
                        throw new ProtocolException("snapshot " + o.snapshotId() + " refused: " + refusal);
                    }
                    offer = o;
                    state = State.RECEIVING_SNAPSHOT;
                    return snapshots.offer(o);
                }
                throw unexpected(m);
            }
            case RECEIVING_SNAPSHOT -> {
                if (m instanceof Messages.SnapshotChunk c) {
                    snapshots.chunk(c);
                    return null;
                }
                if (m instanceof Messages.SnapshotComplete c) {
                    snapshots.complete(c);
                    log.continueAfterSnapshot(offer.nextSequence(), offer.icount());
                    state = State.STREAMING;
                    return null;
                }
                throw unexpected(m);
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private ProtocolException unexpected(Messages.FromPrimary m) {
        return new ProtocolException(m instanceof Messages.Handshake ? "a second handshake on one connection"
                : m.getClass().getSimpleName() + " not allowed while " + state);
    }
}
