package io.ftvm.vmm.linux;

import io.ftvm.vmm.replay.FrameSource;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The test network backend: a host at 10.0.2.2 (MAC 52:54:00:00:00:02) that answers ARP requests for its address
 * and ICMP echo requests to it, and nothing else. Replies queue up as frames for the guest.
 */
final class TestNetwork implements FrameSource {
    static final byte[] HOST_IP = {10, 0, 2, 2};
    static final byte[] HOST_MAC = {0x52, 0x54, 0, 0, 0, 2};
    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();

    @Override
    public byte[] peek() {
        return pending.peek();
    }

    @Override
    public void remove() {
        pending.poll();
    }

    /** Looks at a frame the guest sent and queues the answer, if it asks this host something. */
    void sent(byte[] f) {
        if (f.length < 42) {
            return;
        }
        int type = (f[12] & 0xff) << 8 | (f[13] & 0xff);
        if (type == 0x0806 && f[21] == 1 && matches(f, 38, HOST_IP)) { // ARP request for 10.0.2.2
            byte[] r = new byte[42];
            System.arraycopy(f, 6, r, 0, 6);
            System.arraycopy(HOST_MAC, 0, r, 6, 6);
            System.arraycopy(f, 12, r, 12, 8); // ethertype, htype, ptype, hlen, plen
            r[21] = 2; // reply
            System.arraycopy(HOST_MAC, 0, r, 22, 6);
            System.arraycopy(HOST_IP, 0, r, 28, 4);
            System.arraycopy(f, 22, r, 32, 10); // the asker's MAC and IP
            pending.add(r);
        } else if (type == 0x0800 && f[23] == 1 && matches(f, 30, HOST_IP) && f[34] == 8) { // ICMP echo to us
            int ipHeader = (f[14] & 0x0f) * 4;
            byte[] r = f.clone();
            System.arraycopy(f, 6, r, 0, 6);
            System.arraycopy(HOST_MAC, 0, r, 6, 6);
            System.arraycopy(f, 30, r, 26, 4);
            System.arraycopy(f, 26, r, 30, 4); // swapped addresses: the IP checksum stays valid
            int icmp = 14 + ipHeader;
            r[icmp] = 0; // echo reply
            r[icmp + 2] = 0;
            r[icmp + 3] = 0;
            int sum = checksum(r, icmp, r.length - icmp);
            r[icmp + 2] = (byte) (sum >>> 8);
            r[icmp + 3] = (byte) sum;
            pending.add(r);
        }
    }

    private static boolean matches(byte[] f, int at, byte[] what) {
        for (int i = 0; i < what.length; i++) {
            if (f[at + i] != what[i]) {
                return false;
            }
        }
        return true;
    }

    private static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
