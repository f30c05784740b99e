package io.ftvm.vmm.devices.virtio;

import io.ftvm.vmm.memory.Hasher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * virtio-rng: fills every writable buffer the driver offers with bytes of a deterministic generator (SHA-256 over
 * a 256-bit seed and a block counter). The seed is the nondeterministic input: record mode draws it from the host's
 * entropy and logs it, replay sets the logged one, so the guest reads the same bytes in both; it is part of the
 * machine's state (digest and snapshots) like the counter.
 */
public final class EntropyDevice implements VirtioDevice {
    public static final int DEVICE_ID = 4;
    public static final int SEED_BYTES = 32;
    /** The most bytes served per chain (a driver asking for more gets this many and asks again). */
    static final int MAX_REQUEST = 1 << 16;

    private final MessageDigest sha;
    private final byte[] seed = new byte[SEED_BYTES];
    private final byte[] block = new byte[32];
    private final byte[] out = new byte[4096];
    private long counter;
    private int blockUsed = block.length;
    private final DmaMemory memory;

    public EntropyDevice(DmaMemory memory) {
        this.memory = memory;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Sets the generator's seed (32 bytes) and restarts its counter. */
    public void setSeed(byte[] newSeed) {
        if (newSeed.length != SEED_BYTES) {
            throw new IllegalArgumentException("entropy seed of " + newSeed.length + " bytes, expected " + SEED_BYTES);
        }
        System.arraycopy(newSeed, 0, seed, 0, SEED_BYTES);
        counter = 0;
        blockUsed = block.length;
    }

    public byte[] seed() {
        return seed.clone();
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return 0;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return 64;
    }

    @Override
    public long readConfig(int offset, int size) {
        return 0;
    }

    @Override
    public boolean process(int index, VirtQueue queue) throws VirtioException {
        boolean any = false;
        boolean interrupt = false;
        while (queue.hasAvailable()) {
            VirtQueue.Chain c = queue.next();
            int written = 0;
            for (int i = 0; i < c.count() && written < MAX_REQUEST; i++) {
                if (!c.writable(i)) {
                    continue;
                }
                long address = c.address(i);
                long remaining = Math.min(Integer.toUnsignedLong(c.length(i)), MAX_REQUEST - written);
                while (remaining > 0) {
                    int n = (int) Math.min(remaining, out.length);
                    fill(out, n);
                    if (!memory.write(address, out, 0, n)) {
                        throw new VirtioException(String.format("buffer at 0x%x lies outside RAM", address));
                    }
                    address += n;
                    remaining -= n;
                    written += n;
                }
            }
            interrupt |= queue.complete(c, written);
            any = true;
        }
        return any && interrupt;
    }

    private void fill(byte[] into, int n) {
        for (int i = 0; i < n; i++) {
            if (blockUsed == block.length) {
                sha.update(seed);
                for (int k = 0; k < 8; k++) {
                    sha.update((byte) (counter >>> (8 * k)));
                }
                try {
                    sha.digest(block, 0, block.length);
                } catch (java.security.DigestException e) {
                    throw new IllegalStateException(e);
                }
                counter++;
                blockUsed = 0;
            }
            into[i] = block[blockUsed++];
        }
    }

    @Override
    public void hashState(Hasher h) {
        for (long w : state()) {
            h.put(w);
        }
    }

    @Override
    public long[] state() {
        long[] s = new long[6];
        for (int i = 0; i < SEED_BYTES; i++) {
            s[i / 8] |= (seed[i] & 0xffL) << (8 * (i % 8));
        }
        s[4] = counter;
        s[5] = blockUsed;
        return s;
    }

    @Override
    public void restore(long[] s) {
        if (s.length != 6 || s[5] < 0 || s[5] > block.length) {
            throw new IllegalArgumentException("entropy device state of " + s.length + " words is not valid");
        }
        for (int i = 0; i < SEED_BYTES; i++) {
            seed[i] = (byte) (s[i / 8] >>> (8 * (i % 8)));
        }
        counter = s[4];
        blockUsed = block.length;
        // Recompute the current block so the next byte is the same as before the snapshot.
        if (s[5] < block.length && counter > 0) {
            counter--;
            byte[] skip = new byte[(int) s[5]];
            fill(skip, skip.length);
        }
    }
}
