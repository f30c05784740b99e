package io.ftvm.chaos.cluster;

import io.ftvm.coordinator.Credentials;

/**
 * Who the cluster is: its name (ZooKeeper namespace), the digest credentials that own its znodes and the admin
 * endpoints' bearer token.
 */
public record ClusterIdentity(String name, Credentials credentials, String adminToken) {
    /** The identity every chaos run uses. */
    public static ClusterIdentity chaos() {
        return new ClusterIdentity("chaos", new Credentials("ftvm", "chaos-secret"), "chaos-admin-token-0123");
    }
}
