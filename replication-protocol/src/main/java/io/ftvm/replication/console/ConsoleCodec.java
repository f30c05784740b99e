package io.ftvm.replication.console;

import io.ftvm.replication.console.ConsoleMessage.Bye;
import io.ftvm.replication.console.ConsoleMessage.Error;
import io.ftvm.replication.console.ConsoleMessage.FromClient;
import io.ftvm.replication.console.ConsoleMessage.FromServer;
import io.ftvm.replication.console.ConsoleMessage.Hello;
import io.ftvm.replication.console.ConsoleMessage.Input;
import io.ftvm.replication.console.ConsoleMessage.InputAck;
import io.ftvm.replication.console.ConsoleMessage.Output;
import io.ftvm.replication.console.ConsoleMessage.Ping;
import io.ftvm.replication.console.ConsoleMessage.Pong;
import io.ftvm.replication.console.ConsoleMessage.Redirect;
import io.ftvm.replication.console.ConsoleMessage.Standby;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The console protocol's wire format, in one place. A frame is a 4-byte big-endian length {@code L} followed by
 * {@code L} bytes: a 1-byte message type and the message's fields (big-endian integers, strings as a 2-byte length
 * and strict UTF-8, payloads as the rest of the frame). Decoding is strict: a short or over-long body, an unknown
 * type, a bad magic, a negative or overflowing offset, an empty or oversized payload, invalid UTF-8 or an over-long
 * string is a {@link ConsoleError#PROTOCOL_VIOLATION}.
 */
public final class ConsoleCodec {
    /** The protocol version this code speaks. */
    public static final int VERSION = 3;
    /**
     * The oldest version this code still speaks: a server answers a version-2 client in version 2 (no STANDBY), and a
     * client takes a version-2 server's WELCOME, so clients and hosts of adjacent releases work together.
     */
    public static final int MIN_VERSION = 2;
    /** The first version with STANDBY. */
    public static final int STANDBY_VERSION = 3;
    /** "FTVC": opens HELLO and WELCOME, so a wrong peer is refused at once. */
    public static final int MAGIC = 0x46545643;
    /** Largest OUTPUT or INPUT payload. */
    public static final int MAX_PAYLOAD = 64 * 1024;
    /** Largest frame body (type + offset + payload); the length prefix may not exceed it. */
    public static final int MAX_FRAME = 1 + 8 + MAX_PAYLOAD;
    /** Longest string field, in UTF-8 bytes. */
    public static final int MAX_STRING = 1024;
    /** Longest VM id, in UTF-8 bytes. */
    public static final int MAX_VM_ID = 128;

    static final int HELLO = 1;
    static final int WELCOME = 2;
    static final int REDIRECT = 3;
    static final int ERROR = 4;
    static final int OUTPUT = 5;
    static final int INPUT = 6;
    static final int INPUT_ACK = 7;
    static final int PING = 8;
    static final int PONG = 9;
    static final int BYE = 10;
    static final int STANDBY = 11;

    private ConsoleCodec() {
    }

    // ---------------------------------------------------------------- encoding

    /** Appends {@code m} as one frame (length prefix included). */
    public static void encode(ConsoleMessage m, ByteBuf out) {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        if (m instanceof Hello h) {
            out.writeByte(HELLO).writeInt(MAGIC).writeShort(h.version());
            writeString(out, h.vmId());
            out.writeLong(h.outputFrom()).writeLong(h.inputFrom()).writeByte(h.access().wire());
            writeString(out, h.credential());
            writeString(out, h.clientName());
        } else if (m instanceof Welcome w) {
            out.writeByte(WELCOME).writeInt(MAGIC).writeShort(w.version()).writeLong(w.historyStart())
                    .writeLong(w.outputEnd()).writeLong(w.outputFrom()).writeLong(w.inputAcked())
                    .writeLong(w.inputNext());
        } else if (m instanceof Redirect r) {
            out.writeByte(REDIRECT);
            writeString(out, r.hint());
            writeString(out, r.reason());
        } else if (m instanceof Error e) {
            out.writeByte(ERROR).writeShort(e.code()).writeLong(e.offset());
            writeString(out, e.message());
        } else if (m instanceof Output o) {
            checkPayload(o.bytes().length);
            out.writeByte(OUTPUT).writeLong(o.offset()).writeBytes(o.bytes());
        } else if (m instanceof Input i) {
            checkPayload(i.bytes().length);
            out.writeByte(INPUT).writeLong(i.offset()).writeBytes(i.bytes());
        } else if (m instanceof InputAck a) {
            out.writeByte(INPUT_ACK).writeLong(a.acked());
        } else if (m instanceof Ping p) {
            out.writeByte(PING).writeLong(p.nonce());
        } else if (m instanceof Pong p) {
            out.writeByte(PONG).writeLong(p.nonce());
        } else if (m instanceof Bye b) {
            out.writeByte(BYE);
            writeString(out, b.hint());
            writeString(out, b.reason());
        } else if (m instanceof Standby st) {
            out.writeByte(STANDBY);
            writeString(out, st.hint());
        } else {
            throw new IllegalArgumentException("not a console message: " + m);
        }
        out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
    }

    private static void checkPayload(int length) {
        if (length < 1 || length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + length + " bytes outside 1.." + MAX_PAYLOAD);
        }
    }

    /** Writes a string, cut (at a character boundary) to {@link #MAX_STRING} bytes: reasons may be long. */
    private static void writeString(ByteBuf out, String s) {
        String cut = s;
        byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
        while (bytes.length > MAX_STRING) {
            cut = cut.substring(0, cut.offsetByCodePoints(0, cut.codePointCount(0, cut.length()) - 1));
            bytes = cut.getBytes(StandardCharsets.UTF_8);
        }
        out.writeShort(bytes.length).writeBytes(bytes);
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes one frame body (the length prefix already removed) that a client sent. */
    public static FromClient decodeFromClient(ByteBuf body) throws ConsoleException {
        int type = readType(body);
        FromClient m = switch (type) {
            case HELLO -> readHello(body);
            case INPUT -> {
                long offset = readOffset(body, "INPUT offset");
                yield new Input(offset, readPayload(body, offset, "INPUT"));
            }
            case PING -> new Ping(readLong(body, "PING nonce"));
            case PONG -> new Pong(readLong(body, "PONG nonce"));
            case BYE -> new Bye(readString(body, "BYE hint"), readString(body, "BYE reason"));
            default -> throw violation("unknown or unexpected message type " + type + " from a client");
        };
        requireEnd(body, m);
        return m;
    }

    /** Decodes one frame body (the length prefix already removed) that a server sent. */
    public static FromServer decodeFromServer(ByteBuf body) throws ConsoleException {
        int type = readType(body);
        FromServer m = switch (type) {
            case WELCOME -> readWelcome(body);
            case STANDBY -> new Standby(readString(body, "STANDBY hint"));
            case REDIRECT -> new Redirect(readString(body, "REDIRECT hint"), readString(body, "REDIRECT reason"));
            case ERROR -> readError(body);
            case OUTPUT -> {
                long offset = readOffset(body, "OUTPUT offset");
                yield new Output(offset, readPayload(body, offset, "OUTPUT"));
            }
            case INPUT_ACK -> new InputAck(readOffset(body, "INPUT_ACK offset"));
            case PING -> new Ping(readLong(body, "PING nonce"));
            case PONG -> new Pong(readLong(body, "PONG nonce"));
            case BYE -> new Bye(readString(body, "BYE hint"), readString(body, "BYE reason"));
            default -> throw violation("unknown or unexpected message type " + type + " from a server");
        };
        requireEnd(body, m);
        return m;
    }

    private static int readType(ByteBuf body) throws ConsoleException {
        if (body.readableBytes() > MAX_FRAME) {
            throw violation("frame of " + body.readableBytes() + " bytes over the limit " + MAX_FRAME);
        }
        if (!body.isReadable()) {
            throw violation("empty frame");
        }
        return body.readUnsignedByte();
    }

    private static Hello readHello(ByteBuf body) throws ConsoleException {
        readMagic(body, "HELLO");
        int version = readUnsignedShort(body, "HELLO version");
        if (version < MIN_VERSION || version > VERSION) {
            body.skipBytes(body.readableBytes()); // a later version's fields are not ours to judge
            return new Hello(version, "", ConsoleMessage.FROM_OLDEST, ConsoleMessage.NO_INPUT, ConsoleAccess.READ, "",
                    "");
        }
        String vmId = readString(body, "HELLO vm id");
        if (vmId.isEmpty() || vmId.getBytes(StandardCharsets.UTF_8).length > MAX_VM_ID
                || vmId.chars().anyMatch(Character::isISOControl)) {
            throw violation("HELLO vm id must be 1.." + MAX_VM_ID + " bytes without control characters");
        }
        long outputFrom = readLong(body, "HELLO output offset");
        if (outputFrom < ConsoleMessage.FROM_END) {
            throw violation("HELLO output offset " + outputFrom + " is negative");
        }
        long inputFrom = readLong(body, "HELLO input offset");
        if (inputFrom < ConsoleMessage.NO_INPUT) {
            throw violation("HELLO input offset " + inputFrom + " is negative");
        }
        if (!body.isReadable()) {
            throw violation("HELLO without an access mode");
        }
        ConsoleAccess access = ConsoleAccess.fromWire(body.readUnsignedByte());
        if (access == null) {
            throw violation("HELLO with an unknown access mode");
        }
        String credential = readString(body, "HELLO credential");
        String clientName = readString(body, "HELLO client name");
        if (clientName.chars().anyMatch(Character::isISOControl)) {
            throw violation("HELLO client name has control characters");
        }
        return new Hello(version, vmId, outputFrom, inputFrom, access, credential, clientName);
    }

    private static Welcome readWelcome(ByteBuf body) throws ConsoleException {
        readMagic(body, "WELCOME");
        int version = readUnsignedShort(body, "WELCOME version");
        if (version < MIN_VERSION || version > VERSION) {
            throw violation("WELCOME for protocol version " + version + ", this client speaks " + MIN_VERSION + ".."
                    + VERSION);
        }
        long historyStart = readOffset(body, "WELCOME history start");
        long outputEnd = readOffset(body, "WELCOME output end");
        long outputFrom = readOffset(body, "WELCOME output offset");
        long inputAcked = readOffset(body, "WELCOME input acked");
        long inputNext = readOffset(body, "WELCOME input next");
        if (historyStart > outputFrom || outputFrom > outputEnd) {
            throw violation("WELCOME offsets out of order: history start " + historyStart + ", output offset "
                    + outputFrom + ", output end " + outputEnd);
        }
        return new Welcome(version, historyStart, outputEnd, outputFrom, inputAcked, inputNext);
    }

    private static Error readError(ByteBuf body) throws ConsoleException {
        int code = readUnsignedShort(body, "ERROR code");
        long offset = readLong(body, "ERROR offset");
        if (offset < -1) {
            throw violation("ERROR offset " + offset + " is negative");
        }
        return new Error(code, offset, readString(body, "ERROR message"));
    }

    private static void readMagic(ByteBuf body, String what) throws ConsoleException {
        if (body.readableBytes() < 4) {
            throw violation(what + " truncated before its magic");
        }
        int magic = body.readInt();
        if (magic != MAGIC) {
            throw violation(what + " has magic 0x" + Integer.toHexString(magic) + ", not 0x"
                    + Integer.toHexString(MAGIC) + " (not an ftvm console peer)");
        }
    }

    private static int readUnsignedShort(ByteBuf body, String what) throws ConsoleException {
        if (body.readableBytes() < 2) {
            throw violation("frame truncated in " + what);
        }
        return body.readUnsignedShort();
    }

    private static long readLong(ByteBuf body, String what) throws ConsoleException {
        if (body.readableBytes() < 8) {
            throw violation("frame truncated in " + what);
        }
        return body.readLong();
    }

    private static long readOffset(ByteBuf body, String what) throws ConsoleException {
        long v = readLong(body, what);
        if (v < 0) {
            throw violation(what + " " + v + " is negative");
        }
        return v;
    }

    private static byte[] readPayload(ByteBuf body, long offset, String what) throws ConsoleException {
        int n = body.readableBytes();
        if (n < 1 || n > MAX_PAYLOAD) {
            throw violation(what + " payload of " + n + " bytes outside 1.." + MAX_PAYLOAD);
        }
        if (offset > Long.MAX_VALUE - n) {
            throw violation(what + " offset " + offset + " + " + n + " bytes overflows");
        }
        byte[] bytes = new byte[n];
        body.readBytes(bytes);
        return bytes;
    }

    private static String readString(ByteBuf body, String what) throws ConsoleException {
        int n = readUnsignedShort(body, what + " length");
        if (n > MAX_STRING) {
            throw violation(what + " of " + n + " bytes over the limit " + MAX_STRING);
        }
        if (body.readableBytes() < n) {
            throw violation("frame truncated in " + what);
        }
        byte[] bytes = new byte[n];
        body.readBytes(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw violation(what + " is not valid UTF-8");
        }
    }

    private static void requireEnd(ByteBuf body, ConsoleMessage m) throws ConsoleException {
        if (body.isReadable()) {
            throw violation(body.readableBytes() + " unexpected bytes after " + m.getClass().getSimpleName());
        }
    }

    /** A protocol violation: the peer sent something the protocol forbids; the connection must be closed. */
    public static ConsoleException violation(String reason) {
        return new ConsoleException(ConsoleError.PROTOCOL_VIOLATION, reason);
    }
}
