package io.ftvm.replication;

import java.util.function.Consumer;

/**
 * The backup's side of the log stream, free of Netty: checks the primary's handshake, accepts batches strictly in
 * sequence (a gap or a regression is a protocol violation and delivers nothing from that batch), hands each entry to
 * the consumer exactly once, and says what to ACK: the highest contiguous sequence received and its icount. After a
 * reconnect it asks to resume from {@link #nextSequence()}.
 *
 * <p>Not thread-safe: one connection's event loop drives it.
 */
public final class ReceiverLog {
    private final PeerIdentity identity;
    private final Consumer<Messages.Entry> consumer;
    private long nextSequence;
    private long lastIcount;
    private boolean handshaken;

    /** Starts empty: the first entry expected is {@code firstSequence} (0 from the start, or after a snapshot). */
    public ReceiverLog(PeerIdentity identity, long firstSequence, Consumer<Messages.Entry> consumer) {
        this.identity = identity;
        this.consumer = consumer;
        this.nextSequence = firstSequence;
    }

    /** The handshake this end sends on (re)connecting. */
    public Messages.Handshake handshake() {
        return new Messages.Handshake(identity.protocolVersion(), identity.clusterId(), identity.vmId(),
                identity.epoch(), Messages.Role.BACKUP, nextSequence);
    }

    /** A new connection starts: the peer must handshake before anything else. */
    public void connectionStarted() {
        handshaken = false;
    }

    /**
     * Handles one message from the primary; returns the ACK to send for a batch, or null.
     *
     * @throws ProtocolException when the message breaks the protocol (the caller closes the connection)
     */
    public Messages.Ack onMessage(Messages.FromPrimary m) throws ProtocolException {
        if (!handshaken) {
            if (!(m instanceof Messages.Handshake h)) {
                throw new ProtocolException("expected a handshake first, got " + m.getClass().getSimpleName());
            }
            identity.check(h, Messages.Role.PRIMARY);
            handshaken = true;
            return null;
        }
        if (m instanceof Messages.Handshake) {
            throw new ProtocolException("a second handshake on one connection");
        }
        if (m instanceof Messages.LogBatch b) {
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
        return null;
    }

    /** The next sequence number this receiver needs. */
    public long nextSequence() {
        return nextSequence;
    }
}
