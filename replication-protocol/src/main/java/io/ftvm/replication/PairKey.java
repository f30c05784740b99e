package io.ftvm.replication;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The secret one primary–backup pair shares: 32 random bytes the backup creates for its tenure and publishes only
 * where the cluster's credentials can read it (its endpoint record in ZooKeeper). Each end proves that it holds it
 * in the handshake ({@link PairTrust}); it never crosses the replication connection. {@link #toString()} hides it.
 */
public final class PairKey {
    /** Length of a key in bytes. */
    public static final int BYTES = 32;

    private final byte[] secret;

    private PairKey(byte[] secret) {
        this.secret = secret;
    }

    /** A fresh key from a strong random source. */
    public static PairKey random() {
        byte[] b = new byte[BYTES];
        new SecureRandom().nextBytes(b);
        return new PairKey(b);
    }

    /**
     * Parses a key written by {@link #toHex()}.
     *
     * @throws IllegalArgumentException when {@code hex} is not 64 hexadecimal digits
     */
    public static PairKey fromHex(String hex) {
        if (hex == null || hex.length() != 2 * BYTES) {
            throw new IllegalArgumentException("a pair key is " + 2 * BYTES + " hexadecimal digits");
        }
        try {
            return new PairKey(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a pair key is " + 2 * BYTES + " hexadecimal digits", e);
        }
    }

    /** The key as 64 lower-case hexadecimal digits (for the endpoint record only). */
    public String toHex() {
        return HexFormat.of().formatHex(secret);
    }

    /** The key's bytes, for this package's MAC only. */
    byte[] bytes() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairKey k && java.security.MessageDigest.isEqual(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
        return "PairKey[hidden]";
    }
}
