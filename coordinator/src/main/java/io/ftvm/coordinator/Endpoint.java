package io.ftvm.coordinator;

import java.util.Objects;

/**
 * Where one role holder of a VM can be reached for one tenure, and the secret its pair shares: {@code address} is
 * {@code host:port}; {@code pairKey} is the 64 hexadecimal digits of the key both ends prove they hold in the
 * replication handshake. Published by the backup in its endpoint znode, which only the cluster's identity can read
 * ({@link FtvmAcls}): whoever can read it is a cluster host.
 */
public record Endpoint(String address, String pairKey) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(pairKey, "pairKey");
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address '" + address + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + address + "' has no numeric port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("address '" + address + "' has port " + port + " (1-65535)");
        }
        if (!pairKey.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("pairKey must be 64 lower-case hexadecimal digits");
        }
    }

    /** The host part of the address. */
    public String host() {
        return address.substring(0, address.lastIndexOf(':'));
    }

    /** The port of the address. */
    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @Override
    public String toString() {
        return "Endpoint[" + address + "]";
    }
}
