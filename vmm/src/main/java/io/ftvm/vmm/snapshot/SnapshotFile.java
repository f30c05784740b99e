package io.ftvm.vmm.snapshot;

import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.MachineState;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.board.VirtioSpec;
import io.ftvm.vmm.cpu.HartState;
import io.ftvm.vmm.devices.clint.ClintState;
import io.ftvm.vmm.devices.InterruptLine;
import io.ftvm.vmm.devices.plic.Plic;
import io.ftvm.vmm.devices.plic.PlicState;
import io.ftvm.vmm.devices.rtc.RtcState;
import io.ftvm.vmm.devices.uart.UartState;
import io.ftvm.vmm.memory.Ram;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot format: a whole machine (hart, CSRs, devices, virtual time, RAM) in one versioned, checksummed
 * stream.
 *
 * <pre>
 * snapshot = magic "FTVMSNAP" | major u16 = 3 | minor u16 | body | crc32c(magic..body) u32
 * body     = ramBytes, instructionsPerTick | firmware u8 | devices | hart (incl. TLBs) | fp | uart | clint | rtc
 *            | plic | sbi | virtio | timeOffset, consoleOffset | stop | pages
 * firmware = 0 none, 1 builtin SBI                 (major 3; older machines had none)
 * devices  = count u8, per virtio slot: kind u8 (0 disk, 1 entropy, 2 network), flags u8 (1 read-only, 2 link up),
 *            mac u64   (major 3; older machines had none)
 * sbi      = timer compare u64                     (major 3; older machines had no builtin SBI: -1)
 * virtio   = per slot: n u32, n transport words u64 | m u32, m device words u64 | disk content hash u64
 *            (a disk's image is not in the snapshot: the machine it is restored into must have an image with the
 *            same content hash)
 * fp       = f0..f31 u64 | fcsr u64                (major 2; a major-1 snapshot has no fp block: its machine had no F/D
 *                                                    state, which reads as all zero with FS Off)
 * plic     = per source 0..95: priority u8, level|pending<<1|claimed<<2 u8 | per context 0..1: 3 enable words u32,
 *            threshold u8   (major 2; a major-1 machine had no PLIC: it reads as the reset state)
 * pages    = count u32, then per non-zero page: index u32 | 4096 bytes   (pages not listed are zero)
 * </pre>
 *
 * Integers are big-endian (Java data streams). An unknown major version, a bad checksum or a truncated stream is
 * refused with a {@link SnapshotException}; nothing is restored from such a stream.
 */
public final class SnapshotFile {
    private static final byte[] MAGIC = "FTVMSNAP".getBytes(StandardCharsets.US_ASCII);
    private static final int MAJOR = 3;
    /** The oldest major version still read: 1 (before the F and D extensions). */
    private static final int OLDEST_MAJOR = 1;
    private static final int MINOR = 0;

    private SnapshotFile() {
    }

    private static void writePlic(PlicState p, DataOutputStream out) throws IOException {
        int[] priority = p.priority();
        boolean[] level = p.level();
        boolean[] pending = p.pending();
        boolean[] claimed = p.claimed();
        for (int id = 0; id < Plic.SOURCES; id++) {
            out.writeByte(priority[id]);
            out.writeByte((level[id] ? 1 : 0) | (pending[id] ? 2 : 0) | (claimed[id] ? 4 : 0));
        }
        for (int e : p.enable()) {
            out.writeInt(e);
        }
        for (int t : p.threshold()) {
            out.writeByte(t);
        }
    }

    private static PlicState readPlic(DataInputStream in) throws IOException {
        int[] priority = new int[Plic.SOURCES];
        boolean[] level = new boolean[Plic.SOURCES];
        boolean[] pending = new boolean[Plic.SOURCES];
        boolean[] claimed = new boolean[Plic.SOURCES];
        for (int id = 0; id < Plic.SOURCES; id++) {
            priority[id] = in.readUnsignedByte();
            int bits = in.readUnsignedByte();
            level[id] = (bits & 1) != 0;
            pending[id] = (bits & 2) != 0;
            claimed[id] = (bits & 4) != 0;
        }
        int[] enable = new int[Plic.CONTEXTS * (Plic.SOURCES / 32)];
        for (int i = 0; i < enable.length; i++) {
            enable[i] = in.readInt();
        }
        int[] threshold = new int[Plic.CONTEXTS];
        for (int c = 0; c < Plic.CONTEXTS; c++) {
            threshold[c] = in.readUnsignedByte();
        }
        return new PlicState(priority, level, pending, claimed, enable, threshold);
    }

    /** Writes the machine's complete state. */
    public static void write(Machine m, OutputStream target) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(target, 1 << 16), new CRC32C());
        DataOutputStream out = new DataOutputStream(checked);
        out.write(MAGIC);
        out.writeShort(MAJOR);
        out.writeShort(MINOR);
        MachineState s = m.state();
        out.writeLong(s.config().ramBytes());
        out.writeLong(s.config().instructionsPerTick());
        out.writeByte(s.config().firmware().ordinal());
        out.writeByte(s.config().virtio().size());
        for (VirtioSpec v : s.config().virtio()) {
            out.writeByte(v.kind().ordinal());
            out.writeByte((v.readOnly() ? 1 : 0) | (v.linkUp() ? 2 : 0));
            out.writeLong(v.mac());
        }
        HartState h = s.hart();
        for (long r : h.x()) {
            out.writeLong(r);
        }
        out.writeLong(h.pc());
        out.writeInt(h.privilege());
        out.writeLong(h.icount());
        out.writeBoolean(h.waiting());
        long[] csrs = h.csrs();
        out.writeInt(csrs.length);
        for (long c : csrs) {
            out.writeLong(c);
        }
        out.writeLong(h.reservationAddress());
        out.writeLong(h.reservationValue());
        long[] tags = h.tlbTags();
        long[] tlbPages = h.tlbPages();
        out.writeInt(tags.length);
        for (int i = 0; i < tags.length; i++) {
            out.writeLong(tags[i]);
            out.writeLong(tlbPages[i]);
        }
        for (long r : h.f()) {
            out.writeLong(r);
        }
        out.writeLong(h.fcsr());
        UartState u = s.uart();
        byte[] rx = u.rx();
        out.writeInt(rx.length);
        out.write(rx);
        out.writeBoolean(u.overrun());
        for (int v : new int[] {u.ier(), u.lcr(), u.mcr(), u.scr(), u.fcr(), u.dll(), u.dlm()}) {
            out.writeInt(v);
        }
        out.writeBoolean(u.thrInterruptPending());
        out.writeLong(s.clint().msip());
        out.writeLong(s.clint().mtimecmp());
        RtcState rtc = s.rtc();
        out.writeLong(rtc.bootUnixNanos());
        out.writeLong(rtc.latchedHigh());
        out.writeLong(rtc.alarm());
        out.writeBoolean(rtc.alarmArmed());
        out.writeBoolean(rtc.irqEnabled());
        out.writeBoolean(rtc.irqPending());
        writePlic(s.plic(), out);
        out.writeLong(s.sbiTimerCompare());
        for (MachineState.VirtioState v : s.virtio()) {
            writeWords(v.transport(), out);
            writeWords(v.device(), out);
            out.writeLong(v.diskHash());
        }
        out.writeLong(s.timeOffset());
        out.writeLong(s.consoleOffset());
        out.writeInt(s.stopReason() == null ? -1 : s.stopReason().ordinal());
        out.writeInt(s.exitCode());
        writePages(m.ram(), out);
        out.flush();
        int crc = (int) checked.getChecksum().getValue();
        DataOutputStream tail = new DataOutputStream(target);
        tail.writeInt(crc);
        tail.flush();
    }

    private static void writeWords(long[] words, DataOutputStream out) throws IOException {
        out.writeInt(words.length);
        for (long w : words) {
            out.writeLong(w);
        }
    }

    private static long[] readWords(DataInputStream in) throws IOException, SnapshotException {
        int n = in.readInt();
        if (n < 0 || n > 1024) {
            throw new SnapshotException("virtio state block of " + n + " words out of range");
        }
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = in.readLong();
        }
        return w;
    }

    private static List<VirtioSpec> readDevices(DataInputStream in) throws IOException {
        int n = in.readUnsignedByte();
        List<VirtioSpec> all = new ArrayList<>();
        VirtioSpec.Kind[] kinds = VirtioSpec.Kind.values();
        for (int i = 0; i < n; i++) {
            int kind = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            long mac = in.readLong();
            if (kind >= kinds.length || (flags & ~3) != 0) {
                throw new IllegalArgumentException("unknown virtio device kind " + kind + " or flags " + flags);
            }
            all.add(new VirtioSpec(kinds[kind], (flags & 1) != 0, mac, (flags & 2) != 0));
        }
        return all;
    }

    private static MachineConfig.Firmware firmware(byte code) {
        MachineConfig.Firmware[] all = MachineConfig.Firmware.values();
        if (code < 0 || code >= all.length) {
            throw new IllegalArgumentException("unknown firmware code " + code);
        }
        return all[code];
    }

    private static void writePages(Ram ram, DataOutputStream out) throws IOException {
        byte[] mem = ram.array();
        int pages = ram.size() / Ram.PAGE_SIZE;
        boolean[] nonZero = new boolean[pages];
        int count = 0;
        for (int p = 0; p < pages; p++) {
            nonZero[p] = !isZero(mem, p * Ram.PAGE_SIZE);
            count += nonZero[p] ? 1 : 0;
        }
        out.writeInt(count);
        for (int p = 0; p < pages; p++) {
            if (nonZero[p]) {
                out.writeInt(p);
                out.write(mem, p * Ram.PAGE_SIZE, Ram.PAGE_SIZE);
            }
        }
    }

    private static boolean isZero(byte[] mem, int off) {
        return Arrays.mismatch(mem, off, off + Ram.PAGE_SIZE, ZERO_PAGE, 0, Ram.PAGE_SIZE) < 0;
    }

    private static final byte[] ZERO_PAGE = new byte[Ram.PAGE_SIZE];

    /**
     * Checks a whole snapshot held in memory without restoring it: magic, major version and checksum; returns the
     * machine configuration it was taken with. A snapshot that passes can still be refused by {@link #read} (its
     * values are checked there), but not for damage.
     */
    public static MachineConfig check(byte[] snapshot) throws SnapshotException {
        int header = MAGIC.length + 2 + 2 + 8 + 8 + 1;
        if (snapshot.length < header + 4) {
            throw new SnapshotException("truncated snapshot (" + snapshot.length + " bytes)");
        }
        if (!Arrays.equals(snapshot, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SnapshotException("not an ftvm snapshot (bad magic)");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(snapshot); // big-endian, as written
        int major = b.getShort(MAGIC.length) & 0xffff;
        int minor = b.getShort(MAGIC.length + 2) & 0xffff;
        if (major < OLDEST_MAJOR || major > MAJOR) {
            throw new SnapshotException("snapshot format version " + major + "." + minor
                    + " is not supported (this ftvm reads versions " + OLDEST_MAJOR + ".x to " + MAJOR + ".x)");
        }
        CRC32C crc = new CRC32C();
        crc.update(snapshot, 0, snapshot.length - 4);
        if ((int) crc.getValue() != b.getInt(snapshot.length - 4)) {
            throw new SnapshotException("checksum mismatch: the snapshot is damaged or truncated");
        }
        try {
            MachineConfig.Firmware firmware = MachineConfig.Firmware.NONE;
            List<VirtioSpec> devices = List.of();
            if (major >= 3) {
                firmware = firmware(snapshot[MAGIC.length + 20]);
                devices = readDevices(new DataInputStream(new java.io.ByteArrayInputStream(snapshot,
                        MAGIC.length + 21, snapshot.length - MAGIC.length - 21)));
            }
            return new MachineConfig(b.getLong(MAGIC.length + 4), b.getLong(MAGIC.length + 12), firmware, devices);
        } catch (IOException e) {
            throw new SnapshotException("truncated snapshot");
        } catch (IllegalArgumentException e) {
            throw new SnapshotException("invalid machine configuration: " + e.getMessage());
        }
    }

    /** Reads a snapshot of a machine without disks into a new machine whose console goes to {@code sink}. */
    public static Machine read(InputStream source, OutputSink sink) throws SnapshotException, IOException {
        return read(source, sink, Attachments.NONE);
    }

    /**
     * Reads a snapshot into a new machine whose console goes to {@code sink} and whose disks are
     * {@code attachments}' images, which must hold the content the snapshot was taken with.
     */
    public static Machine read(InputStream source, OutputSink sink, Attachments attachments)
            throws SnapshotException, IOException {
        BufferedInputStream buffered = new BufferedInputStream(source, 1 << 16);
        CheckedInputStream checked = new CheckedInputStream(buffered, new CRC32C());
        DataInputStream in = new DataInputStream(checked);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new SnapshotException("not an ftvm snapshot (bad magic)");
            }
            int major = in.readUnsignedShort();
            int minor = in.readUnsignedShort();
            if (major < OLDEST_MAJOR || major > MAJOR) {
                throw new SnapshotException("snapshot format version " + major + "." + minor
                        + " is not supported (this ftvm reads versions " + OLDEST_MAJOR + ".x to " + MAJOR + ".x)");
            }
            MachineConfig config;
            try {
                long ram = in.readLong();
                long ipt = in.readLong();
                if (major >= 3) {
                    MachineConfig.Firmware firmware = firmware(in.readByte());
                    config = new MachineConfig(ram, ipt, firmware, readDevices(in));
                } else {
                    config = new MachineConfig(ram, ipt);
                }
            } catch (IllegalArgumentException e) {
                throw new SnapshotException("invalid machine configuration: " + e.getMessage());
            }
            long[] x = new long[31];
            for (int i = 0; i < 31; i++) {
                x[i] = in.readLong();
            }
            long pc = in.readLong();
            int priv = in.readInt();
            long icount = in.readLong();
            boolean waiting = in.readBoolean();
            int ncsr = in.readInt();
            if (ncsr != HartState.csrCount()) {
                throw new SnapshotException("CSR block has " + ncsr + " values, expected " + HartState.csrCount());
            }
            long[] csrs = new long[ncsr];
            for (int i = 0; i < ncsr; i++) {
                csrs[i] = in.readLong();
            }
            long resAddress = in.readLong();
            long resValue = in.readLong();
            int ntlb = in.readInt();
            if (ntlb != HartState.tlbEntries()) {
                throw new SnapshotException("TLB block has " + ntlb + " entries, expected " + HartState.tlbEntries());
            }
            long[] tags = new long[ntlb];
            long[] tlbPages = new long[ntlb];
            for (int i = 0; i < ntlb; i++) {
                tags[i] = in.readLong();
                tlbPages[i] = in.readLong();
            }
            long[] f = new long[32];
            long fcsr = 0;
            if (major >= 2) {
                for (int i = 0; i < 32; i++) {
                    f[i] = in.readLong();
                }
                fcsr = in.readLong();
                if ((fcsr & ~0xffL) != 0) {
                    throw new SnapshotException("fcsr 0x" + Long.toHexString(fcsr) + " has bits above bit 7 set");
                }
            }
            HartState hart = new HartState(x, pc, priv, icount, waiting, csrs, resAddress, resValue, tags, tlbPages,
                    f, fcsr);
            int rxLen = in.readInt();
            if (rxLen < 0 || rxLen > 16) {
                throw new SnapshotException("UART FIFO length " + rxLen + " out of range");
            }
            byte[] rx = new byte[rxLen];
            in.readFully(rx);
            UartState uart = new UartState(rx, in.readBoolean(), in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readBoolean());
            ClintState clint = new ClintState(in.readLong(), in.readLong());
            RtcState rtc = new RtcState(in.readLong(), in.readLong(), in.readLong(), in.readBoolean(),
                    in.readBoolean(), in.readBoolean());
            PlicState plic = major >= 2 ? readPlic(in) : new Plic(InterruptLine.NONE, InterruptLine.NONE).state();
            long sbiTimer = major >= 3 ? in.readLong() : -1L;
            MachineState.VirtioState[] virtio = new MachineState.VirtioState[config.virtio().size()];
            for (int i = 0; i < virtio.length; i++) {
                virtio[i] = new MachineState.VirtioState(readWords(in), readWords(in), in.readLong());
            }
            long timeOffset = in.readLong();
            long consoleOffset = in.readLong();
            int stop = in.readInt();
            int exitCode = in.readInt();
            RunResult.Reason[] reasons = RunResult.Reason.values();
            if (stop < -1 || stop >= reasons.length) {
                throw new SnapshotException("invalid stop reason " + stop);
            }
            if (config.diskCount() != attachments.disks().size()) {
                throw new SnapshotException("the snapshot's machine has " + config.diskCount() + " disk(s) but "
                        + attachments.disks().size() + " disk image(s) were given (--disk)");
            }
            Machine m;
            try {
                m = new Machine(config, sink, attachments);
            } catch (IllegalArgumentException e) {
                throw new SnapshotException(e.getMessage());
            } catch (OutOfMemoryError e) {
                throw new SnapshotException("not enough memory for the snapshot's " + (config.ramBytes() >> 20)
                        + " MiB of RAM (raise -Xmx)");
            }
            readPages(m.ram(), in);
            int expected = (int) checked.getChecksum().getValue();
            int stored = new DataInputStream(buffered).readInt();
            if (stored != expected) {
                throw new SnapshotException("checksum mismatch: the snapshot is damaged");
            }
            try {
                m.restore(new MachineState(config, hart, uart, clint, rtc, plic, timeOffset, consoleOffset,
                        stop < 0 ? null : reasons[stop], exitCode, sbiTimer, virtio));
            } catch (IllegalArgumentException e) {
                throw new SnapshotException("invalid state: " + e.getMessage());
            }
            return m;
        } catch (EOFException e) {
            throw new SnapshotException("truncated snapshot");
        }
    }

    private static void readPages(Ram ram, DataInputStream in) throws IOException, SnapshotException {
        int pages = ram.size() / Ram.PAGE_SIZE;
        int count = in.readInt();
        if (count < 0 || count > pages) {
            throw new SnapshotException("page count " + count + " out of range (RAM has " + pages + " pages)");
        }
        byte[] mem = ram.array();
        int last = -1;
        for (int i = 0; i < count; i++) {
            int p = in.readInt();
            if (p <= last || p >= pages) {
                throw new SnapshotException("page index " + p + " out of order or range");
            }
            in.readFully(mem, p * Ram.PAGE_SIZE, Ram.PAGE_SIZE);
            last = p;
        }
    }
}
