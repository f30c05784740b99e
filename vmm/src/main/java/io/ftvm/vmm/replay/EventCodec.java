package io.ftvm.vmm.replay;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The binary form of one {@link Event} (type byte, then little-endian fields), used inside recording files.
 * Decoding is strict: unknown types, short payloads and trailing bytes are refused.
 */
public final class EventCodec {
    static final byte CONSOLE_INPUT = 1;
    static final byte IDLE_ADVANCE = 2;
    static final byte DIGEST = 3;
    static final byte HORIZON = 4;
    static final byte POWER_OFF = 5;
    static final byte BOOT_WALL_CLOCK = 6;
    static final byte TRAP_LOOP = 7;
    static final byte ENTROPY_SEED = 8;
    static final byte FRAME_IN = 9;
    /** Largest frame in one entry. */
    public static final int MAX_FRAME = 1518;
    /** Largest console input in one entry. */
    public static final int MAX_INPUT = 4096;

    private EventCodec() {
    }

    public static byte[] encode(Event e) {
        ByteBuffer b;
        if (e instanceof Event.ConsoleInput c) {
            byte[] bytes = c.bytes();
            b = ByteBuffer.allocate(1 + 8 + 4 + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
            b.put(CONSOLE_INPUT).putLong(c.icount()).putInt(bytes.length).put(bytes);
        } else if (e instanceof Event.IdleAdvance a) {
            b = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
            b.put(IDLE_ADVANCE).putLong(a.icount()).putLong(a.ticks());
        } else if (e instanceof Event.Digest d) {
            b = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
            b.put(DIGEST).putLong(d.icount()).putLong(d.hash());
        } else if (e instanceof Event.Horizon h) {
            b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            b.put(HORIZON).putLong(h.icount());
        } else if (e instanceof Event.TrapLoop t) {
            b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            b.put(TRAP_LOOP).putLong(t.icount());
        } else if (e instanceof Event.BootWallClock w) {
            b = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
            b.put(BOOT_WALL_CLOCK).putLong(w.icount()).putLong(w.unixNanos());
        } else if (e instanceof Event.FrameIn f) {
            byte[] frame = f.frame();
            b = ByteBuffer.allocate(1 + 8 + 2 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
            b.put(FRAME_IN).putLong(f.icount()).putShort((short) frame.length).put(frame);
        } else if (e instanceof Event.EntropySeed s) {
            b = ByteBuffer.allocate(9 + 32).order(ByteOrder.LITTLE_ENDIAN);
            b.put(ENTROPY_SEED).putLong(s.icount()).put(s.seed());
        } else {
            Event.PowerOff p = (Event.PowerOff) e;
            b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
            b.put(POWER_OFF).putLong(p.icount()).putInt(p.exitCode());
        }
        return b.array();
    }

    /** Decodes one entry; the message of the exception names what is wrong. */
    public static Event decode(byte[] payload) throws RecordingException {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte type = b.get();
            long icount = b.getLong();
            if (icount < 0) {
                throw new RecordingException("negative instruction count " + icount);
            }
            Event e;
            switch (type) {
                case CONSOLE_INPUT: {
                    int n = b.getInt();
                    if (n <= 0 || n > MAX_INPUT) {
                        throw new RecordingException("console input length " + n + " out of range");
                    }
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    e = new Event.ConsoleInput(icount, bytes);
                    break;
                }
                case IDLE_ADVANCE: {
                    long ticks = b.getLong();
                    if (ticks < 0) {
                        throw new RecordingException("negative idle advance " + ticks);
                    }
                    e = new Event.IdleAdvance(icount, ticks);
                    break;
                }
                case DIGEST: e = new Event.Digest(icount, b.getLong()); break;
                case HORIZON: e = new Event.Horizon(icount); break;
                case POWER_OFF: e = new Event.PowerOff(icount, b.getInt()); break;
                case TRAP_LOOP: e = new Event.TrapLoop(icount); break;
                case BOOT_WALL_CLOCK: e = new Event.BootWallClock(icount, b.getLong()); break;
                case FRAME_IN: {
                    int n = b.getShort() & 0xffff;
                    if (n == 0 || n > MAX_FRAME) {
                        throw new RecordingException("frame length " + n + " out of range");
                    }
                    byte[] frame = new byte[n];
                    b.get(frame);
                    e = new Event.FrameIn(icount, frame);
                    break;
                }
                case ENTROPY_SEED: {
                    byte[] seed = new byte[32];
                    b.get(seed);
                    e = new Event.EntropySeed(icount, seed);
                    break;
                }
                default: throw new RecordingException("unknown entry type " + type);
            }
            if (b.hasRemaining()) {
                throw new RecordingException(b.remaining() + " unexpected bytes after the entry");
            }
            return e;
        } catch (BufferUnderflowException e) {
            throw new RecordingException("entry too short (" + payload.length + " bytes)");
        }
    }
}
