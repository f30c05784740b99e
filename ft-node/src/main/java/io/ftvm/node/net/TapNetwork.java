package io.ftvm.node.net;

import io.ftvm.primary.GuestNetwork;
import io.ftvm.vmm.devices.virtio.NetDevice;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary's guest NIC on a TAP device: a reader thread queues the frames that arrive (bounded: when the guest does
 * not take them, newer ones are dropped, as a full NIC ring drops them); record mode takes them from the queue,
 * logs them and delivers them; the frames the guest sends are written once the output gate releases them.
 */
public final class TapNetwork implements GuestNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(TapNetwork.class);
    private static final int QUEUE = 512;
    /** Rounds of announcements after a takeover, and the gap before the first (it grows by 100 ms a round). */
    static final int ANNOUNCE_ROUNDS = 5;
    private static final long ANNOUNCE_FIRST_MILLIS = 50;

    private final TapDevice tap;
    private final long mac;
    private final String vmId;
    private final ArrayBlockingQueue<byte[]> in = new ArrayBlockingQueue<>(QUEUE);
    private final Thread reader;
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong overrun = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private volatile boolean closed;
    private volatile String cutOff;

    private TapNetwork(TapDevice tap, long mac, String vmId) {
        this.tap = tap;
        this.mac = mac;
        this.vmId = vmId;
        this.reader = new Thread(this::readLoop, "tap-" + tap.name());
        this.reader.setDaemon(true);
    }

    /**
     * Creates the TAP device {@code tapName} for the guest NIC with {@code mac}, attached to nothing yet (a backup
     * prepares its NIC so that going live only has to {@link #attach} it).
     */
    public static TapNetwork prepare(LibC libc, String vmId, String tapName, long mac) throws NetworkSetupException {
        return new TapNetwork(TapDevice.create(libc, tapName), mac, vmId);
    }

    /** Creates the TAP device {@code tapName} on {@code bridge} for the guest NIC with {@code mac}, and starts reading. */
    public static TapNetwork open(LibC libc, String vmId, String tapName, String bridge, long mac)
            throws NetworkSetupException {
        TapNetwork n = prepare(libc, vmId, tapName, mac);
        try {
            n.attach(bridge);
            return n;
        } catch (NetworkSetupException e) {
            n.close();
            throw e;
        }
    }

    /** Puts the NIC on {@code bridge}, up, and starts reading frames for the guest. */
    public TapNetwork attach(String bridge) throws NetworkSetupException {
        tap.attach(bridge);
        reader.start();
        LOG.info("VM {}: NIC {} attached to bridge {} through TAP device {}", vmId,
                io.ftvm.vmm.board.VirtioSpec.macString(mac), bridge, tap.name());
        return this;
    }

    /** A TAP device name for a VM on a host: unique per (host, VM), at most 15 characters. */
    public static String tapName(String hostId, String vmId) {
        return String.format("ft%012x", (hostId + "/" + vmId).hashCode() & 0xffffffffL
                | ((long) (vmId + "/" + hostId).hashCode() & 0xffffL) << 32);
    }

    private void readLoop() {
        byte[] buf = new byte[65536];
        try {
            while (!closed) {
                int n = tap.read(buf, 100);
                if (n == 0) {
                    continue;
                }
                if (n > NetDevice.MAX_FRAME) {
                    if (oversized.getAndIncrement() == 0) {
                        LOG.warn("VM {}: a {}-byte frame on {} is larger than the guest's MTU allows ({} bytes): "
                                + "dropped (and any more like it)", vmId, n, tap.name(), NetDevice.MAX_FRAME);
                    }
                    continue;
                }
                if (!in.offer(Arrays.copyOf(buf, n))) {
                    overrun.incrementAndGet();
                }
            }
        } catch (TapDevice.GoneException e) {
            if (!closed) {
                cutOff = e.getMessage();
                LOG.error("VM {}: the guest's NIC is cut off: {}", vmId, e.getMessage());
            }
        }
    }

    @Override
    public byte[] peek() {
        return in.peek();
    }

    @Override
    public void remove() {
        in.poll();
    }

    @Override
    public void send(byte[] frame) {
        if (!tap.write(frame) && !closed) {
            sendFailures.incrementAndGet();
        }
    }

    @Override
    public void announce() {
        Thread t = new Thread(() -> {
            try {
                long gap = ANNOUNCE_FIRST_MILLIS;
                for (int round = 0; round < ANNOUNCE_ROUNDS && !closed; round++) {
                    tap.write(rarp(mac));
                    Thread.sleep(gap);
                    gap += 100;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "announce-" + tap.name());
        t.setDaemon(true);
        t.start();
    }

    /**
     * A RARP request from {@code mac} to everyone (what QEMU's announce-self sends): switches and bridges learn the
     * MAC's new port from it.
     */
    static byte[] rarp(long mac) {
        byte[] f = new byte[60];
        Arrays.fill(f, 0, 6, (byte) 0xff);
        putMac(f, 6, mac);
        f[12] = (byte) 0x80;
        f[13] = 0x35; // RARP
        f[14] = 0;
        f[15] = 1; // Ethernet
        f[16] = 0x08;
        f[17] = 0; // IPv4
        f[18] = 6;
        f[19] = 4;
        f[20] = 0;
        f[21] = 3; // reverse request
        putMac(f, 22, mac);
        putMac(f, 32, mac);
        return f;
    }

    private static void putMac(byte[] f, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            f[at + i] = (byte) (mac >>> (8 * (5 - i)));
        }
    }

    /** Frames dropped: larger than the MTU, arriving faster than the guest takes them, not written to the TAP. */
    public long oversizedFrames() {
        return oversized.get();
    }

    /** Why the NIC stopped receiving (its TAP device disappeared), or null while it works. */
    public String cutOff() {
        return cutOff;
    }

    public long overrunFrames() {
        return overrun.get();
    }

    public long sendFailures() {
        return sendFailures.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (reader.isAlive()) {
                reader.join(1_000);
            } // it polls in 100 ms steps: the descriptor is closed only once nobody polls it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tap.close();
    }
}
