package io.ftvm.coordinator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS between this host and ZooKeeper, so that the digest credentials and the records never cross the network
 * in clear: PEM files as ftd's {@code tls:} section names them (this host's certificate chain, its PKCS#8 private key,
 * and the CA certificates the servers' certificates must chain to). The servers' host names are not checked (hosts
 * connect by address); the CA's signature is what admits a server.
 *
 * <p>ZooKeeper reads its client key store from one PEM file holding both the key and the certificate chain, so the
 * client writes that file, owner-only, into {@code keyStoreDirectory} while it runs (see {@link ZooKeeperClientTls}).
 *
 * @param certificate       this host's certificate chain (PEM)
 * @param privateKey        its private key (PEM, PKCS#8, not encrypted)
 * @param trustedCa         the CA certificates a ZooKeeper server must present a certificate of (PEM)
 * @param keyStoreDirectory an existing directory only this host's user can write, where the combined key store
 *                          file lives while the client runs (ftd uses its {@code dataDir})
 */
public record ZooKeeperTls(Path certificate, Path privateKey, Path trustedCa, Path keyStoreDirectory) {

    public ZooKeeperTls {
        Objects.requireNonNull(certificate, "coordinator TLS certificate");
        Objects.requireNonNull(privateKey, "coordinator TLS privateKey");
        Objects.requireNonNull(trustedCa, "coordinator TLS trustedCa");
        Objects.requireNonNull(keyStoreDirectory, "coordinator TLS keyStoreDirectory");
    }
}
