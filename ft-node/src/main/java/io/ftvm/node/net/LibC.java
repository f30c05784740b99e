package io.ftvm.node.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/** The few libc calls a TAP device needs (Linux, x86-64 and aarch64 numbering of the constants). */
interface LibC extends Library {
    int O_RDWR = 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    long TUNSETIFF = 0x400454caL;
    short IFF_TAP = 0x0002;
    short IFF_NO_PI = 0x1000;
    short POLLIN = 0x1;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;
    int EAGAIN = 11;
    int EINTR = 4;
    int EPERM = 1;
    int EACCES = 13;
    int ENOENT = 2;
    int EBUSY = 16;
    int AF_INET = 2;
    int SOCK_DGRAM = 2;
    long SIOCBRADDIF = 0x89a2L;
    long SIOCGIFFLAGS = 0x8913L;
    long SIOCSIFFLAGS = 0x8914L;
    short IFF_UP = 0x1;
    int F_DUPFD_CLOEXEC = 1030;

    static LibC load() {
        return Native.load("c", LibC.class);
    }

    int open(String path, int flags) throws LastErrorException;

    /** {@code ioctl(fd, request, struct ifreq *)}. */
    int ioctl(int fd, NativeLong request, byte[] ifreq) throws LastErrorException;

    NativeLong read(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    /** {@code poll(struct pollfd *fds, nfds_t n, int timeout)}; one pollfd is 8 bytes (fd, events, revents). */
    int poll(byte[] fds, NativeLong n, int timeoutMillis) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    /** {@code fcntl(fd, cmd, int arg)}. */
    int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    /** The interface's index, or 0 when there is none of that name. */
    int if_nametoindex(String name);
}
