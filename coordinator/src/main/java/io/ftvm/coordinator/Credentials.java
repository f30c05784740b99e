package io.ftvm.coordinator;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The digest identity every ftvm host authenticates with ({@code user:password}, ZooKeeper's {@code digest} scheme).
 * All hosts of a cluster share it; only it may change ftvm's znodes. {@link #toString()} hides the password.
 */
public record Credentials(String user, String password) {

    public Credentials {
        if (user == null || user.isEmpty() || user.contains(":")) {
            throw new IllegalArgumentException("coordinator.user must be non-empty and contain no ':', was '" + user + "'");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("coordinator.password must be non-empty");
        }
    }

    /** What {@code addauth digest} sends: {@code user:password} in UTF-8. */
    byte[] authBytes() {
        return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    /** The ACL id for this identity: {@code user:base64(sha1(user:password))}. */
    String digestId() {
        try {
            return DigestAuthenticationProvider.generateDigest(user + ":" + password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=***]";
    }
}
