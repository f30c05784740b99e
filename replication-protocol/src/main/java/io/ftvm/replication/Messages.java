package io.ftvm.replication;

import java.util.List;

/** The messages of the log stream, as immutable values. Protobuf types never leave {@link WireMapper}. */
public final class Messages {
    private Messages() {
    }

    /** What a primary sends. */
    public sealed interface FromPrimary permits Handshake, LogBatch, Heartbeat, Goodbye, SnapshotOffer,
            SnapshotChunk, SnapshotComplete, HandOver {
    }

    /** What a backup sends. */
    public sealed interface FromBackup permits Challenge, Handshake, Ack, Heartbeat, Goodbye, SnapshotResume {
    }

    /** Which end of the stream a peer is. */
    public enum Role {
        PRIMARY, BACKUP
    }

    /**
     * The backup's first message on a connection: a fresh random nonce that the primary's handshake proof must
     * cover (so a recorded handshake cannot be replayed). It reveals nothing about the backup.
     */
    public record Challenge(byte[] nonce) implements FromBackup {
        public Challenge {
            nonce = nonce.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Challenge c && java.util.Arrays.equals(c.nonce, nonce);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(nonce);
        }

        @Override
        public String toString() {
            return "Challenge[" + nonce.length + " bytes]";
        }
    }

    /**
     * The primary's answer to a challenge, and the backup's answer to an accepted primary handshake:
     * {@code resumeFrom} is the next sequence the receiver needs, {@code host} the sender's host id, {@code nonce}
     * the sender's own nonce and {@code proof} the HMAC that shows it holds the pair's secret ({@link PairTrust}).
     */
    public record Handshake(int protocolVersion, String clusterId, String vmId, long epoch, Role role,
            long resumeFrom, String host, byte[] nonce, byte[] proof) implements FromPrimary, FromBackup {
        public Handshake {
            nonce = nonce.clone();
            proof = proof.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public byte[] proof() {
            return proof.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Handshake h && h.protocolVersion == protocolVersion && h.clusterId.equals(clusterId)
                    && h.vmId.equals(vmId) && h.epoch == epoch && h.role == role && h.resumeFrom == resumeFrom
                    && h.host.equals(host) && java.util.Arrays.equals(h.nonce, nonce)
                    && java.util.Arrays.equals(h.proof, proof);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(protocolVersion, clusterId, vmId, epoch, role, resumeFrom, host)
                    * 31 + java.util.Arrays.hashCode(nonce);
        }

        @Override
        public String toString() {
            return "Handshake[v" + protocolVersion + ", cluster=" + clusterId + ", vm=" + vmId + ", epoch=" + epoch
                    + ", " + role + " " + host + ", resumeFrom=" + resumeFrom + "]";
        }
    }

    /**
     * One opaque log entry: the VMM's icount, an entry kind and its encoded payload. Immutable: the public
     * constructor copies the payload and {@link #payload()} returns a copy; inside this package a decoded entry
     * takes ownership of a fresh array without a second copy.
     */
    public static final class Entry {
        private final long icount;
        private final int kind;
        private final byte[] payload;

        public Entry(long icount, int kind, byte[] payload) {
            this(icount, kind, payload.clone(), true);
        }

        private Entry(long icount, int kind, byte[] owned, boolean unused) {
            this.icount = icount;
            this.kind = kind;
            this.payload = owned;
        }

        /** An entry that takes ownership of {@code owned} (a fresh array nobody else holds). */
        static Entry owning(long icount, int kind, byte[] owned) {
            return new Entry(icount, kind, owned, true);
        }

        public long icount() {
            return icount;
        }

        public int kind() {
            return kind;
        }

        public byte[] payload() {
            return payload.clone();
        }

        public int payloadLength() {
            return payload.length;
        }

        /** The payload without a copy, for the wire mapper in this package only (never modified). */
        byte[] rawPayload() {
            return payload;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.icount == icount && e.kind == kind
                    && java.util.Arrays.equals(e.payload, payload);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(icount) * 31 + kind) * 31 + java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Entry[icount=" + icount + ", kind=" + kind + ", " + payload.length + " bytes]";
        }
    }

    /** Consecutive entries starting at sequence {@code firstSequence}. */
    public record LogBatch(long firstSequence, List<Entry> entries) implements FromPrimary {
        public LogBatch {
            entries = List.copyOf(entries);
        }
    }

    /** Highest contiguous sequence received, and its icount. */
    public record Ack(long sequence, long icount) implements FromBackup {
    }

    public record Heartbeat(long sendTimeNanos, long echoTimeNanos) implements FromPrimary, FromBackup {
    }

    public record Goodbye(String reason) implements FromPrimary, FromBackup {
    }

    /**
     * A planned switchover: the primary paused its VM, the backup acknowledged the log through {@code lastSequence}
     * (the entry at {@code icount}, where the VM stands), and the backup is to take over now.
     */
    public record HandOver(long lastSequence, long icount) implements FromPrimary {
    }

    public record SnapshotOffer(String snapshotId, long totalBytes, long icount, long nextSequence)
            implements FromPrimary {
    }

    /** A piece of a snapshot; {@code crc32c} covers {@code data}. */
    public record SnapshotChunk(String snapshotId, long offset, byte[] data, int crc32c) implements FromPrimary {
        public SnapshotChunk {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The data without a copy, for this package only (never modified). */
        byte[] rawData() {
            return data;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SnapshotChunk c && c.snapshotId.equals(snapshotId) && c.offset == offset
                    && c.crc32c == crc32c && java.util.Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return (snapshotId.hashCode() * 31 + Long.hashCode(offset)) * 31 + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "SnapshotChunk[" + snapshotId + ", offset=" + offset + ", " + data.length + " bytes]";
        }
    }

    public record SnapshotComplete(String snapshotId, int crc32c) implements FromPrimary {
    }

    public record SnapshotResume(String snapshotId, long offset) implements FromBackup {
    }
}
