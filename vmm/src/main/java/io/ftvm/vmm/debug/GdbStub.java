package io.ftvm.vmm.debug;

import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.debug.ReplaySession.Stop;
import io.ftvm.vmm.debug.ReplaySession.StopKind;
import io.ftvm.vmm.debug.ReplaySession.Watchpoint;
import io.ftvm.vmm.replay.DivergenceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Answers one GDB client's packets over a {@link ReplaySession}: the handshake, registers and memory (read only: a
 * recording cannot be changed), breakpoints and watchpoints, forward and reverse execution, and {@code monitor}
 * commands. Every packet is handled on the caller's (engine) thread; only {@link #interrupt} may come from another.
 * A command that cannot be carried out is answered with an error packet (and, for {@code monitor}, a message); the
 * session stays usable.
 */
final class GdbStub {
    private static final HexFormat HEX = HexFormat.of();
    private static final int SIGINT = 2;
    private static final int SIGTRAP = 5;
    private static final int SIGABRT = 6;

    private final ReplaySession session;
    private final RspChannel channel;
    private final MonitorCommands monitor;
    private String lastStop = "S05";
    private boolean detached;

    GdbStub(ReplaySession session, RspChannel channel) {
        this.session = session;
        this.channel = channel;
        this.monitor = new MonitorCommands(session);
    }

    /** The client detached or asked to kill: the connection ends. */
    boolean detached() {
        return detached;
    }

    void interrupt() {
        session.interrupt();
    }

    /** Handles one packet and sends its answer. */
    void handle(byte[] packet) throws IOException, InterruptedException {
        String p = new String(packet, StandardCharsets.ISO_8859_1);
        String reply;
        try {
            reply = answer(p);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            reply = "E22"; // a malformed argument (NumberFormatException, bad hex)
        } catch (RuntimeException e) {
            // the replay could not do it (a disk image that cannot be read, ...): say so, never leave GDB waiting
            String why = "ftvm debug: " + p.split("[:,;]")[0] + " failed: " + e + "\n";
            channel.send("O" + HEX.formatHex(why.getBytes(StandardCharsets.UTF_8)));
            reply = "E01";
        }
        if (reply != null) {
            channel.send(reply);
        }
    }

    private String answer(String p) throws IOException, InterruptedException {
        if (p.isEmpty()) {
            return "";
        }
        switch (p.charAt(0)) {
            case '?':
                return lastStop;
            case 'g':
                return allRegisters();
            case 'p':
                return register(Integer.parseInt(p.substring(1), 16));
            case 'G':
            case 'P':
            case 'M':
            case 'X':
                return "E01"; // a replay is read-only: its state is the recording's
            case 'm':
                return memory(p.substring(1));
            case 'c':
                return resume(false, false);
            case 's':
                return resume(true, false);
            case 'b':
                if (p.equals("bc")) {
                    return resume(false, true);
                }
                return p.equals("bs") ? resume(true, true) : "";
            case 'Z':
            case 'z':
                return point(p.charAt(0) == 'Z', p.substring(1));
            case 'H':
            case 'T':
                return "OK";
            case 'D':
                detached = true;
                return "OK";
            case 'k':
                detached = true;
                return null;
            case 'q':
                return query(p);
            case 'Q':
                if (p.equals("QStartNoAckMode")) {
                    channel.send("OK");
                    channel.noAckMode();
                    return null;
                }
                return "";
            case 'v':
                return vPacket(p);
            default:
                return "";
        }
    }

    private String query(String p) throws IOException, InterruptedException {
        if (p.startsWith("qSupported")) {
            return "PacketSize=" + Integer.toHexString(RspChannel.MAX_PACKET / 2) + ";qXfer:features:read+;swbreak+;"
                    + "hwbreak+;ReverseContinue+;ReverseStep+;QStartNoAckMode+;vContSupported+";
        }
        if (p.startsWith("qXfer:features:read:")) {
            return features(p.substring("qXfer:features:read:".length()));
        }
        if (p.equals("qAttached")) {
            return "1";
        }
        if (p.equals("qC")) {
            return "QC1";
        }
        if (p.equals("qfThreadInfo")) {
            return "m1";
        }
        if (p.equals("qsThreadInfo")) {
            return "l";
        }
        if (p.startsWith("qRcmd,")) {
            String command = new String(HEX.parseHex(p.substring(6)), StandardCharsets.UTF_8).trim();
            MonitorCommands.Result r = monitor.run(command);
            if (!r.output().isEmpty()) {
                channel.send("O" + HEX.formatHex(r.output().getBytes(StandardCharsets.UTF_8)));
            }
            return "OK"; // GDB takes an error reply to qRcmd as a protocol error and drops the session's script

        }
        return "";
    }

    private String vPacket(String p) throws IOException, InterruptedException {
        if (p.equals("vCont?")) {
            return "vCont;c;C;s;S";
        }
        if (p.startsWith("vCont;")) {
            char action = p.charAt(6);
            if (action == 'c' || action == 'C') {
                return resume(false, false);
            }
            if (action == 's' || action == 'S') {
                return resume(true, false);
            }
            return "E22";
        }
        if (p.equals("vKill") || p.startsWith("vKill;")) {
            detached = true;
            return "OK";
        }
        return "";
    }

    private String features(String args) {
        int colon = args.indexOf(':');
        if (colon < 0 || !args.substring(0, colon).equals("target.xml")) {
            return "E00";
        }
        String[] range = args.substring(colon + 1).split(",");
        int offset = Integer.parseInt(range[0], 16);
        int length = Integer.parseInt(range[1], 16);
        String xml = TargetDescription.xml();
        if (offset >= xml.length()) {
            return "l";
        }
        int end = Math.min(xml.length(), offset + length);
        return (end == xml.length() ? "l" : "m") + xml.substring(offset, end);
    }

    private String allRegisters() {
        StringBuilder s = new StringBuilder();
        for (int n = 0; n <= TargetDescription.PC; n++) {
            s.append(littleEndian(TargetDescription.value(session.machine(), n), 8));
        }
        return s.toString();
    }

    private String register(int n) {
        int size = TargetDescription.size(n);
        if (size == 0) {
            return "E45";
        }
        Long v = TargetDescription.value(session.machine(), n);
        return v == null ? "x".repeat(2 * size) : littleEndian(v, size);
    }

    private static String littleEndian(long v, int size) {
        StringBuilder s = new StringBuilder(2 * size);
        for (int i = 0; i < size; i++) {
            s.append(HEX.toHexDigits((byte) (v >>> (8 * i))));
        }
        return s.toString();
    }

    private String memory(String args) {
        String[] a = args.split(",");
        long address = Long.parseUnsignedLong(a[0], 16);
        int length = Integer.parseInt(a[1], 16);
        if (length < 0 || length > RspChannel.MAX_PACKET / 4) {
            return "E22";
        }
        byte[] buf = new byte[length];
        int n = session.memory().read(address, buf, length);
        if (n == 0 && length > 0) {
            return "E14"; // EFAULT: unmapped, or not RAM
        }
        return HEX.formatHex(buf, 0, n);
    }

    /** {@code Z}/{@code z} type,addr,kind: breakpoints (0, 1) and watchpoints (2 write, 3 read, 4 access). */
    private String point(boolean insert, String args) {
        String[] a = args.split("[,;]");
        int type = Integer.parseInt(a[0]);
        long address = Long.parseUnsignedLong(a[1], 16);
        long length = Long.parseLong(a[2], 16);
        if (type == 0 || type == 1) {
            if (insert) {
                session.addBreakpoint(address);
            } else {
                session.removeBreakpoint(address);
            }
            return "OK";
        }
        if (type < 2 || type > 4 || length < 1 || length > 4096) {
            return "";
        }
        Watchpoint w = new Watchpoint(type == 2 ? Watchpoint.Kind.WRITE : type == 3 ? Watchpoint.Kind.READ
                : Watchpoint.Kind.ACCESS, address, length);
        if (insert) {
            session.addWatchpoint(w);
        } else {
            session.removeWatchpoint(w);
        }
        return "OK";
    }

    private String resume(boolean step, boolean reverse) throws InterruptedException {
        Stop stop;
        try {
            stop = step ? (reverse ? session.stepBack() : session.stepForward())
                    : reverse ? session.continueBackward() : session.continueForward();
        } catch (DivergenceException e) {
            String why = "the replay diverged from the recording (" + e.getMessage()
                    + "); it cannot be replayed past there\n";
            try {
                channel.send("O" + HEX.formatHex(why.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException io) {
                detached = true;
            }
            lastStop = "T" + HEX.toHexDigits((byte) SIGABRT);
            return lastStop;
        }
        lastStop = stopReply(stop);
        return lastStop;
    }

    private static String stopReply(Stop stop) {
        String t = "T" + HEX.toHexDigits((byte) (stop.kind() == StopKind.INTERRUPTED ? SIGINT : SIGTRAP));
        switch (stop.kind()) {
            case BREAKPOINT:
                return t + "swbreak:;";
            case WATCHPOINT: {
                Watchpoint w = stop.watch();
                String kind = w.kind() == Watchpoint.Kind.WRITE ? "watch" : w.kind() == Watchpoint.Kind.READ
                        ? "rwatch" : "awatch";
                return t + kind + ":" + Long.toHexString(w.address()) + ";";
            }
            case HISTORY_BEGIN:
                return t + "replaylog:begin;";
            case HISTORY_END:
                return t + "replaylog:end;";
            default:
                return t;
        }
    }

    /** Guest time at the current count, in seconds, for people. */
    static String guestSeconds(long ticks) {
        return String.format("%.6f s", ticks / (double) MachineConfig.TIMEBASE_HZ);
    }
}
