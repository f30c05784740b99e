package io.ftvm.node.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One TAP device: created through {@code /dev/net/tun} ({@code TUNSETIFF}, without packet information), then put
 * on a bridge and brought up ({@code SIOCBRADDIF}, {@code SIOCSIFFLAGS}). The device lives as long as its descriptor: closing it (or the process dying) removes it, so
 * a dead host's NIC leaves the bridge by itself.
 *
 * <p>Reads and writes are non-blocking; {@link #read} waits with {@code poll}. One thread reads, any thread writes.
 */
public final class TapDevice implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    private static final int IFREQ = 40;
    private final LibC libc;
    private final String name;
    private final int fd;
    private volatile boolean closed;

    private TapDevice(LibC libc, String name, int fd) {
        this.libc = libc;
        this.name = name;
        this.fd = fd;
    }

    /**
     * Creates TAP device {@code name}, down and on no bridge: attached to nothing until {@link #attach}.
     *
     * @throws NetworkSetupException naming the problem: a bad name, no permission, a device of that name in use;
     *                               nothing is left behind
     */
    public static TapDevice create(LibC libc, String name) throws NetworkSetupException {
        checkName("TAP device", name);
        int fd;
        try {
            fd = libc.open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NetworkSetupException("cannot open /dev/net/tun: " + errno(e.getErrorCode())
                    + (e.getErrorCode() == LibC.ENOENT ? " (no TUN/TAP support: load the tun module)" : ""));
        }
        fd = highDescriptor(libc, fd);
        TapDevice tap = new TapDevice(libc, name, fd);
        try {
            libc.ioctl(fd, new NativeLong(LibC.TUNSETIFF), ifreq(name, (short) (LibC.IFF_TAP | LibC.IFF_NO_PI)));
            return tap;
        } catch (LastErrorException e) {
            tap.close();
            int err = e.getErrorCode();
            throw new NetworkSetupException("cannot create TAP device '" + name + "': " + errno(err)
                    + (err == LibC.EPERM || err == LibC.EACCES ? " (ftd needs CAP_NET_ADMIN to create TAP devices)"
                    : err == LibC.EBUSY ? " (a device of that name is in use)" : ""));
        }
    }

    /**
     * Puts the device on {@code bridge} and brings it up (two ioctls: no process is started, so a takeover attaches
     * its NIC in microseconds).
     *
     * @throws NetworkSetupException when the bridge does not exist or the kernel refuses
     */
    public void attach(String bridge) throws NetworkSetupException {
        checkName("bridge", bridge);
        if (!Files.isDirectory(Path.of("/sys/class/net", bridge, "bridge"))) {
            throw new NetworkSetupException("bridge '" + bridge + "' does not exist on this host"
                    + (Files.exists(Path.of("/sys/class/net", bridge)) ? " ('" + bridge + "' is not a bridge)" : "")
                    + ": create it or name another in ftd.yaml (bridge)");
        }
        int index = libc.if_nametoindex(name);
        if (index == 0) {
            throw new NetworkSetupException("TAP device " + name + " is gone");
        }
        int sock;
        try {
            sock = libc.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
        } catch (LastErrorException e) {
            throw new NetworkSetupException("cannot open a socket to configure " + name + ": "
                    + errno(e.getErrorCode()));
        }
        try {
            byte[] add = ifreq(bridge, (short) 0);
            ByteBuffer.wrap(add).order(ByteOrder.nativeOrder()).putInt(16, index);
            ioctl(sock, LibC.SIOCBRADDIF, add, "put " + name + " on bridge " + bridge);
            byte[] flags = ifreq(name, (short) 0);
            ioctl(sock, LibC.SIOCGIFFLAGS, flags, "read the flags of " + name);
            ByteBuffer b = ByteBuffer.wrap(flags).order(ByteOrder.nativeOrder());
            b.putShort(16, (short) (b.getShort(16) | LibC.IFF_UP));
            ioctl(sock, LibC.SIOCSIFFLAGS, flags, "bring " + name + " up");
        } finally {
            try {
                libc.close(sock);
            } catch (LastErrorException ignored) {
                // nothing to lose
            }
        }
    }

    private void ioctl(int sock, long request, byte[] ifreq, String what) throws NetworkSetupException {
        try {
            libc.ioctl(sock, new NativeLong(request), ifreq);
        } catch (LastErrorException e) {
            int err = e.getErrorCode();
            throw new NetworkSetupException("cannot " + what + ": " + errno(err)
                    + (err == LibC.EPERM || err == LibC.EACCES ? " (ftd needs CAP_NET_ADMIN)" : ""));
        }
    }

    private static byte[] ifreq(String name, short flags) {
        byte[] ifreq = new byte[IFREQ];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, ifreq, 0, n.length);
        ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).putShort(16, flags);
        return ifreq;
    }

    /**
     * Moves {@code fd} above the descriptors a process usually has. A dying process closes its descriptors in
     * ascending order, and removing a network device takes the kernel a second or more: with the TAP device closed
     * last, a killed ftd's replication connections are reset first, so its backup learns of the death at once.
     * Keeps {@code fd} when the limit on descriptors is too low for that.
     */
    private static int highDescriptor(LibC libc, int fd) {
        try {
            int high = libc.fcntl(fd, LibC.F_DUPFD_CLOEXEC, HIGH_FD);
            libc.close(fd);
            return high;
        } catch (LastErrorException e) {
            return fd;
        }
    }

    private static final int HIGH_FD = 4096;

    private static void checkName(String what, String name) throws NetworkSetupException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new NetworkSetupException(what + " name '" + name + "' is not an interface name (1 to 15 letters, "
                    + "digits, '.', '_' or '-')");
        }
    }

    private static String errno(int code) {
        return switch (code) {
            case LibC.EPERM -> "operation not permitted";
            case LibC.EACCES -> "permission denied";
            case LibC.ENOENT -> "no such file";
            case LibC.EBUSY -> "device busy";
            default -> "errno " + code;
        };
    }

    public String name() {
        return name;
    }

    /** The device went away or was closed. */
    public static final class GoneException extends Exception {
        private static final long serialVersionUID = 1L;

        GoneException(String message) {
            super(message);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame and reads it into {@code buf}.
     *
     * @return the frame's length, or 0 when none arrived in time
     * @throws GoneException when the device was closed or removed
     */
    public int read(byte[] buf, int timeoutMillis) throws GoneException {
        if (closed) {
            throw new GoneException("TAP device " + name + " is closed");
        }
        byte[] pollfd = new byte[8];
        ByteBuffer b = ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder());
        b.putInt(0, fd).putShort(4, LibC.POLLIN);
        try {
            int n = libc.poll(pollfd, new NativeLong(1), timeoutMillis);
            if (n == 0) {
                return 0;
            }
            short revents = b.getShort(6);
            if ((revents & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0 && (revents & LibC.POLLIN) == 0) {
                throw new GoneException("TAP device " + name + " disappeared (poll events 0x"
                        + Integer.toHexString(revents) + ")");
            }
            long r = libc.read(fd, buf, new NativeLong(buf.length)).longValue();
            if (r <= 0) {
                throw new GoneException("TAP device " + name + " ended");
            }
            return (int) r;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) {
                return 0;
            }
            if (closed) {
                throw new GoneException("TAP device " + name + " is closed");
            }
            throw new GoneException("TAP device " + name + ": read failed: " + errno(e.getErrorCode()));
        }
    }

    /**
     * Writes one frame.
     *
     * @return false when the frame was not written (the device's queue is full, or it is gone): like a lost packet
     */
    public boolean write(byte[] frame) {
        if (closed) {
            return false;
        }
        try {
            return libc.write(fd, frame, new NativeLong(frame.length)).longValue() == frame.length;
        } catch (LastErrorException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            libc.close(fd);
        } catch (LastErrorException ignored) {
            // already gone
        }
    }
}
