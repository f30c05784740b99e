package io.ftvm.vmm.devices.virtio;

/**
 * virtio-net without offloads: a MAC address, the link status, a receive queue the guest fills with buffers and a
 * transmit queue it fills with frames. Frames the guest sends leave through a {@link Transmitter} at their exact
 * instruction count (outputs); frames from the network are inputs the board delivers with {@link #receive} at an
 * instruction count the log records (replay delivers them at the same one). With the link down the guest sees no
 * carrier, and frames it sends anyway are still reported (a backend decides what to do with them).
 */
public final class NetDevice implements VirtioDevice {
    public static final int DEVICE_ID = 1;
    static final long F_MAC = 1L << 5;
    static final long F_STATUS = 1L << 16;
    /** The virtio-net header with VIRTIO_F_VERSION_1 (flags, gso_type, hdr_len, gso_size, csum_*, num_buffers). */
    static final int HEADER = 12;
    /** The largest frame accepted either way: an Ethernet frame of MTU 1500 with a VLAN tag. */
    public static final int MAX_FRAME = 1518;
    static final int RX = 0;
    static final int TX = 1;

    /** Where frames the guest sends go. */
    @FunctionalInterface
    public interface Transmitter {
        void transmit(byte[] frame);
    }

    private final long mac;
    private final boolean linkUp;
    private final Transmitter transmitter;
    private final DmaMemory memory;
    private final byte[] buffer = new byte[HEADER + MAX_FRAME];
    private VirtioMmio transport;
    private long framesDropped;

    public NetDevice(long mac, boolean linkUp, Transmitter transmitter, DmaMemory memory) {
        this.mac = mac;
        this.linkUp = linkUp;
        this.transmitter = transmitter;
        this.memory = memory;
    }

    /** The transport the device sits behind (for completing receive buffers on its own). */
    public void attach(VirtioMmio transport) {
        this.transport = transport;
    }

    public long mac() {
        return mac;
    }

    public boolean linkUp() {
        return linkUp;
    }

    /** Frames the guest sent that were malformed (too long, too short) and not transmitted. */
    public long framesDropped() {
        return framesDropped;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return F_MAC | F_STATUS;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize() {
        return 256;
    }

    @Override
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int o = offset + i;
            long b;
            if (o < 6) {
                b = (mac >>> (8 * (5 - o))) & 0xff;
            } else if (o == 6) {
                b = linkUp ? 1 : 0; // status: VIRTIO_NET_S_LINK_UP
            } else {
                b = 0;
            }
            v |= b << (8 * i);
        }
        return v;
    }

    @Override
    public boolean process(int index, VirtQueue queue) throws VirtioException {
        if (index != TX) {
            return false; // the driver added receive buffers: they are used when frames arrive
        }
        boolean interrupt = false;
        while (queue.hasAvailable()) {
            VirtQueue.Chain c = queue.next();
            long readable = c.total(false);
            if (readable < HEADER || readable > HEADER + MAX_FRAME) {
                framesDropped++;
            } else {
                int n = (int) readable;
                gather(c, buffer, n);
                transmitter.transmit(java.util.Arrays.copyOfRange(buffer, HEADER, n));
            }
            interrupt |= queue.complete(c, 0);
        }
        return interrupt;
    }

    /**
     * True when a frame can be delivered now: the driver is ready and has posted a receive buffer. The board asks
     * before it takes (and logs) a frame from the network.
     */
    public boolean canReceive() {
        if (transport == null || !transport.driverReady()) {
            return false;
        }
        try {
            return transport.queue(RX).hasAvailable();
        } catch (VirtioException e) {
            transport.fail("queue 0: " + e.getMessage());
            return false;
        }
    }

    /**
     * Delivers a frame into the next receive buffer and interrupts the guest. A frame longer than the buffer the
     * driver posted is lost as on a real NIC (the buffer comes back empty). Returns false when nothing could be
     * delivered ({@link #canReceive()} was false, or the frame is longer than {@link #MAX_FRAME}).
     */
    public boolean receive(byte[] frame) {
        if (frame.length > MAX_FRAME || !canReceive()) {
            return false;
        }
        VirtQueue rx = transport.queue(RX);
        try {
            VirtQueue.Chain c = rx.next();
            if (c.total(true) < HEADER + frame.length) {
                rx.complete(c, 0);
                transport.usedBuffers();
                return true; // a buffer too small for it: the frame is lost, as on a real NIC
            }
            java.util.Arrays.fill(buffer, 0, HEADER, (byte) 0);
            buffer[10] = 1; // num_buffers
            System.arraycopy(frame, 0, buffer, HEADER, frame.length);
            scatter(c, buffer, HEADER + frame.length);
            if (rx.complete(c, HEADER + frame.length)) {
                transport.usedBuffers();
            }
            return true;
        } catch (VirtioException e) {
            transport.fail("queue 0: " + e.getMessage());
            return false;
        }
    }

    private void gather(VirtQueue.Chain c, byte[] into, int length) throws VirtioException {
        int done = 0;
        for (int i = 0; i < c.count() && done < length; i++) {
            if (c.writable(i)) {
                continue;
            }
            int n = Math.min(c.length(i), length - done);
            if (!memory.read(c.address(i), into, done, n)) {
                throw new VirtioException(String.format("buffer at 0x%x lies outside RAM", c.address(i)));
            }
            done += n;
        }
    }

    private void scatter(VirtQueue.Chain c, byte[] from, int length) throws VirtioException {
        int done = 0;
        for (int i = 0; i < c.count() && done < length; i++) {
            if (!c.writable(i)) {
                continue;
            }
            int n = (int) Math.min(Integer.toUnsignedLong(c.length(i)), length - done);
            if (!memory.write(c.address(i), from, done, n)) {
                throw new VirtioException(String.format("buffer at 0x%x lies outside RAM", c.address(i)));
            }
            done += n;
        }
    }
}
