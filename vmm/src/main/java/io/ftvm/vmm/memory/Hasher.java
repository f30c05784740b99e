package io.ftvm.vmm.memory;

/**
 * A small, fast 64-bit hash accumulator for state digests (not cryptographic: it detects divergence between two
 * deterministic runs, it does not resist an adversary). Order-sensitive.
 */
public final class Hasher {
    private static final long K1 = 0x9e3779b97f4a7c15L;
    private static final long K2 = 0xbf58476d1ce4e5b9L;
    private long h = 0x243f6a8885a308d3L;

    public Hasher put(long v) {
        h = Long.rotateLeft((h ^ v) * K1, 27) * K2;
        return this;
    }

    public Hasher put(boolean v) {
        return put(v ? 1 : 0);
    }

    public long value() {
        return mix(h);
    }

    /** A strong 64-bit finalizer (splitmix64). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * K2;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
