package io.ftvm.replication;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import io.ftvm.replication.Messages.Ack;
import io.ftvm.replication.Messages.Entry;
import io.ftvm.replication.Messages.FromBackup;
import io.ftvm.replication.Messages.FromPrimary;
import io.ftvm.replication.Messages.Goodbye;
import io.ftvm.replication.Messages.HandOver;
import io.ftvm.replication.Messages.Challenge;
import io.ftvm.replication.Messages.Handshake;
import io.ftvm.replication.Messages.Heartbeat;
import io.ftvm.replication.Messages.LogBatch;
import io.ftvm.replication.Messages.Role;
import io.ftvm.replication.Messages.SnapshotChunk;
import io.ftvm.replication.Messages.SnapshotComplete;
import io.ftvm.replication.Messages.SnapshotOffer;
import io.ftvm.replication.Messages.SnapshotResume;
import io.ftvm.replication.proto.AckProto;
import io.ftvm.replication.proto.BackupMessageProto;
import io.ftvm.replication.proto.EntryProto;
import io.ftvm.replication.proto.GoodbyeProto;
import io.ftvm.replication.proto.HandOverProto;
import io.ftvm.replication.proto.ChallengeProto;
import io.ftvm.replication.proto.HandshakeProto;
import io.ftvm.replication.proto.HeartbeatProto;
import io.ftvm.replication.proto.LogBatchProto;
import io.ftvm.replication.proto.PrimaryMessageProto;
import io.ftvm.replication.proto.SnapshotChunkProto;
import io.ftvm.replication.proto.SnapshotCompleteProto;
import io.ftvm.replication.proto.SnapshotOfferProto;
import io.ftvm.replication.proto.SnapshotResumeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The one place where messages meet protobuf: encoding to frame bytes and strict decoding from them. Decoding
 * refuses malformed protobuf, unknown or empty message bodies, unknown fields, and values the protocol does not
 * allow (missing ids, unspecified roles, empty batches, sequence or icount overflow, chunk checksum mismatches).
 */
public final class WireMapper {
    /** Most entries in one batch. */
    public static final int MAX_BATCH_ENTRIES = 65_536;

    private WireMapper() {
    }

    // ---------------------------------------------------------------- encoding

    public static byte[] encodePrimary(FromPrimary m) {
        PrimaryMessageProto.Builder b = PrimaryMessageProto.newBuilder();
        if (m instanceof Handshake h) {
            b.setHandshake(handshake(h));
        } else if (m instanceof LogBatch batch) {
            LogBatchProto.Builder lb = LogBatchProto.newBuilder().setFirstSequence(batch.firstSequence());
            for (Entry e : batch.entries()) {
                lb.addEntries(EntryProto.newBuilder().setIcount(e.icount()).setKind(e.kind())
                        .setPayload(UnsafeByteOperations.unsafeWrap(e.rawPayload())));
            }
            b.setBatch(lb);
        } else if (m instanceof Heartbeat h) {
            b.setHeartbeat(heartbeat(h));
        } else if (m instanceof Goodbye g) {
            b.setGoodbye(GoodbyeProto.newBuilder().setReason(g.reason()));
        } else if (m instanceof SnapshotOffer o) {
            b.setSnapshotOffer(SnapshotOfferProto.newBuilder().setSnapshotId(o.snapshotId())
                    .setTotalBytes(o.totalBytes()).setIcount(o.icount()).setNextSequence(o.nextSequence()));
        } else if (m instanceof HandOver h) {
            b.setHandOver(HandOverProto.newBuilder().setLastSequence(h.lastSequence()).setIcount(h.icount()));
        } else if (m instanceof SnapshotChunk c) {
            b.setSnapshotChunk(SnapshotChunkProto.newBuilder().setSnapshotId(c.snapshotId()).setOffset(c.offset())
                    .setData(UnsafeByteOperations.unsafeWrap(c.rawData())).setCrc32C(c.crc32c()));
        } else {
            SnapshotComplete c = (SnapshotComplete) m;
            b.setSnapshotComplete(SnapshotCompleteProto.newBuilder().setSnapshotId(c.snapshotId())
                    .setCrc32C(c.crc32c()));
        }
        return b.build().toByteArray();
    }

    public static byte[] encodeBackup(FromBackup m) {
        BackupMessageProto.Builder b = BackupMessageProto.newBuilder();
        if (m instanceof Handshake h) {
            b.setHandshake(handshake(h));
        } else if (m instanceof Ack a) {
            b.setAck(AckProto.newBuilder().setSequence(a.sequence()).setIcount(a.icount()));
        } else if (m instanceof Heartbeat h) {
            b.setHeartbeat(heartbeat(h));
        } else if (m instanceof Goodbye g) {
            b.setGoodbye(GoodbyeProto.newBuilder().setReason(g.reason()));
        } else if (m instanceof Challenge c) {
            b.setChallenge(ChallengeProto.newBuilder().setNonce(UnsafeByteOperations.unsafeWrap(c.nonce())));
        } else {
            SnapshotResume r = (SnapshotResume) m;
            b.setSnapshotResume(SnapshotResumeProto.newBuilder().setSnapshotId(r.snapshotId()).setOffset(r.offset()));
        }
        return b.build().toByteArray();
    }

    /** Field numbers of the hand-encoded log batch (see replication.proto). */
    private static final int ENVELOPE_BATCH = 2;
    private static final int BATCH_FIRST_SEQUENCE = 1;
    private static final int BATCH_ENTRIES = 2;
    private static final int ENTRY_ICOUNT = 1;
    private static final int ENTRY_KIND = 2;
    private static final int ENTRY_PAYLOAD = 3;

    /**
     * Appends a primary message to {@code out}: a log batch is written straight into the buffer in protobuf's wire
     * format (byte for byte what the generated code writes, without building message objects or copying payloads
     * twice); other messages go through the generated code.
     */
    public static void encodePrimary(FromPrimary m, ByteBuf out) {
        if (!(m instanceof LogBatch b)) {
            out.writeBytes(encodePrimary(m));
            return;
        }
        int body = b.firstSequence() != 0 ? CodedOutputStream.computeUInt64Size(BATCH_FIRST_SEQUENCE,
                b.firstSequence()) : 0;
        for (Entry e : b.entries()) {
            int n = entrySize(e);
            body += CodedOutputStream.computeTagSize(BATCH_ENTRIES) + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
        }
        int total = CodedOutputStream.computeTagSize(ENVELOPE_BATCH) + CodedOutputStream.computeUInt32SizeNoTag(body)
                + body;
        out.ensureWritable(total);
        CodedOutputStream cos = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), total));
        try {
            cos.writeTag(ENVELOPE_BATCH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt32NoTag(body);
            if (b.firstSequence() != 0) {
                cos.writeUInt64(BATCH_FIRST_SEQUENCE, b.firstSequence());
            }
            for (Entry e : b.entries()) {
                cos.writeTag(BATCH_ENTRIES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                cos.writeUInt32NoTag(entrySize(e));
                if (e.icount() != 0) {
                    cos.writeUInt64(ENTRY_ICOUNT, e.icount());
                }
                if (e.kind() != 0) {
                    cos.writeUInt32(ENTRY_KIND, e.kind());
                }
                if (e.payloadLength() != 0) {
                    cos.writeByteArray(ENTRY_PAYLOAD, e.rawPayload());
                }
            }
            cos.flush();
        } catch (IOException ex) {
            throw new IllegalStateException("encoding a batch into a sized buffer failed", ex);
        }
        if (cos.spaceLeft() != 0) {
            throw new IllegalStateException("batch size miscomputed by " + cos.spaceLeft() + " bytes");
        }
        out.writerIndex(out.writerIndex() + total);
    }

    private static int entrySize(Entry e) {
        int n = 0;
        if (e.icount() != 0) {
            n += CodedOutputStream.computeUInt64Size(ENTRY_ICOUNT, e.icount());
        }
        if (e.kind() != 0) {
            n += CodedOutputStream.computeUInt32Size(ENTRY_KIND, e.kind());
        }
        if (e.payloadLength() != 0) {
            n += CodedOutputStream.computeByteArraySize(ENTRY_PAYLOAD, e.rawPayload());
        }
        return n;
    }

    /** Appends a backup message to {@code out}. */
    public static void encodeBackup(FromBackup m, ByteBuf out) {
        out.writeBytes(encodeBackup(m));
    }

    private static HandshakeProto handshake(Handshake h) {
        return HandshakeProto.newBuilder().setProtocolVersion(h.protocolVersion()).setClusterId(h.clusterId())
                .setVmId(h.vmId()).setEpoch(h.epoch())
                .setRole(h.role() == Role.PRIMARY
                        ? io.ftvm.replication.proto.Role.ROLE_PRIMARY : io.ftvm.replication.proto.Role.ROLE_BACKUP)
                .setResumeFrom(h.resumeFrom()).setHost(h.host())
                .setNonce(UnsafeByteOperations.unsafeWrap(h.nonce()))
                .setProof(UnsafeByteOperations.unsafeWrap(h.proof())).build();
    }

    private static HeartbeatProto heartbeat(Heartbeat h) {
        return HeartbeatProto.newBuilder().setSendTimeNanos(h.sendTimeNanos()).setEchoTimeNanos(h.echoTimeNanos())
                .build();
    }

    // ---------------------------------------------------------------- decoding

    public static FromPrimary decodeFromPrimary(byte[] frame) throws ProtocolException {
        return decodeFromPrimary(CodedInputStream.newInstance(frame));
    }

    /** Decodes a frame in place (payloads are copied once, into the decoded entries). */
    public static FromPrimary decodeFromPrimary(ByteBuf frame) throws ProtocolException {
        return decodeFromPrimary(input(frame));
    }

    public static FromBackup decodeFromBackup(ByteBuf frame) throws ProtocolException {
        return decodeFromBackup(input(frame));
    }

    private static CodedInputStream input(ByteBuf frame) {
        CodedInputStream in = frame.nioBufferCount() == 1 ? CodedInputStream.newInstance(frame.nioBuffer())
                : CodedInputStream.newInstance(io.netty.buffer.ByteBufUtil.getBytes(frame));
        in.enableAliasing(true);
        return in;
    }

    private static FromPrimary decodeFromPrimary(CodedInputStream in) throws ProtocolException {
        PrimaryMessageProto p;
        try {
            p = PrimaryMessageProto.parseFrom(in);
        } catch (IOException e) {
            throw new ProtocolException("malformed message from primary: " + e.getMessage(), e);
        }
        if (!p.getUnknownFields().asMap().isEmpty()) {
            throw new ProtocolException("unknown message type or field from primary");
        }
        switch (p.getBodyCase()) {
            case HANDSHAKE: return handshake(p.getHandshake());
            case BATCH: return batch(p.getBatch());
            case HEARTBEAT: return new Heartbeat(p.getHeartbeat().getSendTimeNanos(),
                    p.getHeartbeat().getEchoTimeNanos());
            case GOODBYE: return new Goodbye(p.getGoodbye().getReason());
            case SNAPSHOT_OFFER: {
                SnapshotOfferProto o = p.getSnapshotOffer();
                return new SnapshotOffer(id(o.getSnapshotId()), nonNegative(o.getTotalBytes(), "total bytes"),
                        nonNegative(o.getIcount(), "icount"), nonNegative(o.getNextSequence(), "next sequence"));
            }
            case SNAPSHOT_CHUNK: {
                SnapshotChunkProto c = p.getSnapshotChunk();
                byte[] data = c.getData().toByteArray();
                CRC32C crc = new CRC32C();
                crc.update(data);
                if ((int) crc.getValue() != c.getCrc32C()) {
                    throw new ProtocolException("snapshot chunk at offset " + c.getOffset() + ": checksum mismatch");
                }
                return new SnapshotChunk(id(c.getSnapshotId()), nonNegative(c.getOffset(), "offset"), data,
                        c.getCrc32C());
            }
            case SNAPSHOT_COMPLETE:
                return new SnapshotComplete(id(p.getSnapshotComplete().getSnapshotId()),
                        p.getSnapshotComplete().getCrc32C());
            case HAND_OVER:
                return new HandOver(nonNegative(p.getHandOver().getLastSequence(), "hand-over sequence"),
                        nonNegative(p.getHandOver().getIcount(), "hand-over icount"));
            default:
                throw new ProtocolException("empty or unknown message from primary");
        }
    }

    /** {@link #decodeFromBackup(byte[])} under a name of its own (callers without protobuf on their classpath). */
    public static FromBackup decodeBackupFrame(byte[] frame) throws ProtocolException {
        return decodeFromBackup(frame);
    }

    public static FromBackup decodeFromBackup(byte[] frame) throws ProtocolException {
        return decodeFromBackup(CodedInputStream.newInstance(frame));
    }

    private static FromBackup decodeFromBackup(CodedInputStream in) throws ProtocolException {
        BackupMessageProto p;
        try {
            p = BackupMessageProto.parseFrom(in);
        } catch (IOException e) {
            throw new ProtocolException("malformed message from backup: " + e.getMessage(), e);
        }
        if (!p.getUnknownFields().asMap().isEmpty()) {
            throw new ProtocolException("unknown message type or field from backup");
        }
        switch (p.getBodyCase()) {
            case HANDSHAKE: return handshake(p.getHandshake());
            case ACK: return new Ack(nonNegative(p.getAck().getSequence(), "sequence"),
                    nonNegative(p.getAck().getIcount(), "icount"));
            case HEARTBEAT: return new Heartbeat(p.getHeartbeat().getSendTimeNanos(),
                    p.getHeartbeat().getEchoTimeNanos());
            case GOODBYE: return new Goodbye(p.getGoodbye().getReason());
            case SNAPSHOT_RESUME: return new SnapshotResume(id(p.getSnapshotResume().getSnapshotId()),
                    nonNegative(p.getSnapshotResume().getOffset(), "offset"));
            case CHALLENGE: return new Challenge(exactly(p.getChallenge().getNonce().toByteArray(), NONCE_BYTES,
                    "challenge nonce"));
            default:
                throw new ProtocolException("empty or unknown message from backup");
        }
    }

    private static Handshake handshake(HandshakeProto h) throws ProtocolException {
        if (!h.getUnknownFields().asMap().isEmpty()) {
            throw new ProtocolException("handshake with unknown fields");
        }
        Role role;
        switch (h.getRole()) {
            case ROLE_PRIMARY: role = Role.PRIMARY; break;
            case ROLE_BACKUP: role = Role.BACKUP; break;
            default: throw new ProtocolException("handshake without a valid role");
        }
        return new Handshake(h.getProtocolVersion(), id(h.getClusterId()), id(h.getVmId()),
                nonNegative(h.getEpoch(), "epoch"), role, nonNegative(h.getResumeFrom(), "resume point"),
                id(h.getHost()), exactly(h.getNonce().toByteArray(), NONCE_BYTES, "handshake nonce"),
                exactly(h.getProof().toByteArray(), PROOF_BYTES, "handshake proof"));
    }

    private static LogBatch batch(LogBatchProto b) throws ProtocolException {
        int n = b.getEntriesCount();
        if (n == 0 || n > MAX_BATCH_ENTRIES) {
            throw new ProtocolException("log batch with " + n + " entries (1.." + MAX_BATCH_ENTRIES + " allowed)");
        }
        long first = nonNegative(b.getFirstSequence(), "first sequence");
        if (first > Long.MAX_VALUE - n) {
            throw new ProtocolException("log batch sequence overflows");
        }
        List<Entry> entries = new ArrayList<>(n);
        long last = 0;
        for (EntryProto e : b.getEntriesList()) {
            long icount = nonNegative(e.getIcount(), "entry icount");
            if (icount < last) {
                throw new ProtocolException("log batch entries go back in icount: " + icount + " after " + last);
            }
            last = icount;
            entries.add(Entry.owning(icount, e.getKind(), e.getPayload().toByteArray()));
        }
        return new LogBatch(first, entries);
    }

    private static String id(String s) throws ProtocolException {
        if (s.isEmpty() || s.length() > 256) {
            throw new ProtocolException("identifier of length " + s.length() + " (1..256 allowed)");
        }
        return s;
    }

    /** Length of every nonce (challenge and handshake). */
    public static final int NONCE_BYTES = 32;
    /** Length of a handshake proof (HMAC-SHA256). */
    public static final int PROOF_BYTES = 32;

    private static byte[] exactly(byte[] b, int length, String what) throws ProtocolException {
        if (b.length != length) {
            throw new ProtocolException(what + " of " + b.length + " bytes (" + length + " expected)");
        }
        return b;
    }

    private static long nonNegative(long v, String what) throws ProtocolException {
        if (v < 0) {
            throw new ProtocolException(what + " out of range: " + Long.toUnsignedString(v));
        }
        return v;
    }
}
