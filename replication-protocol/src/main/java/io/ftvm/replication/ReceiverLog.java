package io.ftvm.replication;

import java.util.function.Consumer;

/**
 * The backup's log, free of Netty and of connections: checks a primary's handshake, accepts batches strictly in
 * sequence (a gap or a regression is a protocol violation and delivers nothing from that batch), hands each entry to
 * the consumer exactly once, and says what to ACK: the highest contiguous sequence received and its icount. After a
 * reconnect it asks to resume from {@link #nextSequence()}; after a snapshot it continues where the snapshot ends.
 * The per-connection protocol order (handshake first, snapshot phases) is {@link BackupSession}'s.
 *
 * <p>Not thread-safe: callers serialise access (one connection delivers at a time).
 */
public final class ReceiverLog {
    private final PeerIdentity identity;
    private final Consumer<Messages.Entry> consumer;
    private long nextSequence;
    private long lastIcount;
    private Consumer<Messages.HandOver> handOverListener = h -> { };

    /** Starts empty: the first entry expected is {@code firstSequence} (0 from the start, or after a snapshot). */
    public ReceiverLog(PeerIdentity identity, long firstSequence, Consumer<Messages.Entry> consumer) {
        if (firstSequence < 0) {
            throw new IllegalArgumentException("first sequence must not be negative: " + firstSequence);
        }
        this.identity = identity;
        this.consumer = consumer;
        this.nextSequence = firstSequence;
    }

    /** This pair's identity (VM, epoch, the trust that authenticates the primary). */
    public PeerIdentity identity() {
        return identity;
    }

    /**
     * The handshake this end answers an accepted primary with: its resume point, signed over the primary's nonce
     * and this end's challenge nonce.
     */
    public Messages.Handshake handshake(byte[] primaryNonce, byte[] challengeNonce) {
        return identity.handshake(Messages.Role.BACKUP, nextSequence, primaryNonce, challengeNonce);
    }

    /**
     * Checks a primary's handshake: this pair's cluster, VM and exact epoch, the primary's host, its proof over the
     * challenge this end sent, its certificate and the gate ({@link PeerIdentity#check}). Nothing changes here: an
     * epoch ahead of the pair's is refused, never adopted.
     *
     * @throws ProtocolException naming the mismatch
     */
    public void checkHandshake(Messages.Handshake h, byte[] challengeNonce, java.util.Set<String> certifiedNames)
            throws ProtocolException {
        identity.check(h, Messages.Role.PRIMARY, challengeNonce, certifiedNames);
    }

    /**
     * Delivers a batch and returns the ACK to send.
     *
     * @throws ProtocolException on a sequence gap or regression, or icount going backwards (nothing delivered)
     */
    public Messages.Ack onBatch(Messages.LogBatch b) throws ProtocolException {
        if (b.firstSequence() != nextSequence) {
            throw new ProtocolException((b.firstSequence() > nextSequence ? "sequence gap" : "sequence regression")
                    + ": batch starts at " + b.firstSequence() + ", expected " + nextSequence);
        }
        if (b.entries().get(0).icount() < lastIcount) {
            throw new ProtocolException("batch goes back in icount: " + b.entries().get(0).icount() + " after "
                    + lastIcount);
        }
        for (Messages.Entry e : b.entries()) {
            consumer.accept(e);
            nextSequence++;
            lastIcount = e.icount();
        }
        return new Messages.Ack(nextSequence - 1, lastIcount);
    }

    /** Who is told of a planned switchover the primary asks for ({@link #onHandOver}); set before connections come. */
    public void setHandOverListener(Consumer<Messages.HandOver> listener) {
        this.handOverListener = listener;
    }

    /**
     * The primary hands the VM over: it must name exactly the last entry received here (sequence and icount), or
     * this end would take over short of, or past, the point where the primary's VM stands.
     *
     * @throws ProtocolException when the hand-over names another point of the log
     */
    public void onHandOver(Messages.HandOver h) throws ProtocolException {
        if (nextSequence == 0 || h.lastSequence() != nextSequence - 1 || h.icount() != lastIcount) {
            throw new ProtocolException("hand-over at sequence " + h.lastSequence() + " (icount " + h.icount()
                    + "), but the log received here ends at sequence " + (nextSequence - 1) + " (icount " + lastIcount
                    + ")");
        }
        handOverListener.accept(h);
    }

    /** A snapshot was installed: the log continues at {@code sequence}, from the snapshot's {@code icount}. */
    public void continueAfterSnapshot(long sequence, long icount) {
        this.nextSequence = sequence;
        this.lastIcount = icount;
    }

    /** The next sequence number this receiver needs. */
    public long nextSequence() {
        return nextSequence;
    }

    /** The icount of the last entry received (or of the installed snapshot). */
    public long lastIcount() {
        return lastIcount;
    }
}
