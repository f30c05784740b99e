package io.ftvm.coordinator;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's ZooKeeper TLS settings, made from a {@link ZooKeeperTls}: a {@link ZKClientConfig} of its own (nothing
 * goes through system properties) with ZooKeeper's Netty socket, {@code zookeeper.client.secure}, and PEM key and trust
 * stores.
 *
 * <p>ZooKeeper 3.9 reads a PEM key store from a single file that holds the private key and the certificate chain
 * ({@code PEMFileLoader} passes the same file as both), and reads it again on every new connection. So this writes
 * that file into the key store directory, created owner-only (0600) with a name of its own, and deletes it on
 * {@link #close()}. The trust store is the CA file itself.
 *
 * <p>Server host names are checked: Netty 4.2, which ZooKeeper's client runs on here, verifies the host of the
 * connect string, as written, against the server certificate's names (DNS names or IP addresses) by default, and
 * ZooKeeper's own check agrees. A ZooKeeper server's certificate must therefore name the address hosts connect to.
 * SASL is off in this config: ftvm authenticates by digest, and ZooKeeper's SASL set-up would replace that host by
 * its reverse DNS name.
 */
final class ZooKeeperClientTls implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperClientTls.class);
    private static final String PEM = "PEM";

    private final Path keyStore;
    private final ZKClientConfig clientConfig;

    private ZooKeeperClientTls(Path keyStore, ZKClientConfig clientConfig) {
        this.keyStore = keyStore;
        this.clientConfig = clientConfig;
    }

    /**
     * Writes the key store and checks that ZooKeeper can build its TLS context from the files, so a bad file is named
     * now and not as an endless reconnection later.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    static ZooKeeperClientTls open(ZooKeeperTls tls) {
        byte[] key = read(tls.privateKey(), "privateKey");
        byte[] chain = read(tls.certificate(), "certificate");
        read(tls.trustedCa(), "trustedCa");
        String keyText = new String(key, StandardCharsets.ISO_8859_1); // PEM is ASCII; comments may not be
        if (keyText.contains("ENCRYPTED PRIVATE KEY") || !keyText.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("ZooKeeper TLS privateKey " + tls.privateKey()
                    + " is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        Path file = writeKeyStore(tls.keyStoreDirectory(), key, chain);
        ZKClientConfig config = new ZKClientConfig();
        try (ClientX509Util x509 = new ClientX509Util()) {
            config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
            config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            // ftvm authenticates by digest, never SASL; and ZooKeeper's SASL set-up looks the server's address up in
            // reverse DNS, which would replace the connect string's name the certificate check compares against
            config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
            config.setProperty(x509.getSslKeystoreLocationProperty(), file.toString());
            config.setProperty(x509.getSslKeystoreTypeProperty(), PEM);
            config.setProperty(x509.getSslKeystorePasswdProperty(), "");
            config.setProperty(x509.getSslTruststoreLocationProperty(), tls.trustedCa().toAbsolutePath().toString());
            config.setProperty(x509.getSslTruststoreTypeProperty(), PEM);
            config.setProperty(x509.getSslTruststorePasswdProperty(), "");
            config.setProperty(x509.getSslHostnameVerificationEnabledProperty(), "true");
            config.setProperty(x509.getSslProtocolProperty(), "TLSv1.3"); // as everywhere else; no downgrade
            x509.createNettySslContextForClient(config); // what ZooKeeper does on every connection
        } catch (Exception e) {
            delete(file);
            throw new IllegalArgumentException("ZooKeeper TLS: cannot use certificate " + tls.certificate()
                    + ", privateKey " + tls.privateKey() + ", trustedCa " + tls.trustedCa() + ": " + e.getMessage(), e);
        }
        return new ZooKeeperClientTls(file, config);
    }

    ZKClientConfig clientConfig() {
        return clientConfig;
    }

    /** The combined key store file (exists until {@link #close()}). */
    Path keyStore() {
        return keyStore;
    }

    private static byte[] read(Path file, String key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("ZooKeeper TLS " + key + " " + file + " cannot be read: " + e, e);
        }
    }

    /** {@code key} and {@code chain} in one new file, owner-only from its creation. */
    private static Path writeKeyStore(Path dir, byte[] key, byte[] chain) {
        Path file = null;
        try {
            file = Files.createTempFile(dir, "zookeeper-client-", ".pem",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(key);
                if (key.length > 0 && key[key.length - 1] != '\n') {
                    out.write('\n');
                }
                out.write(chain);
            }
            return file.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            delete(file);
            throw new IllegalArgumentException("ZooKeeper TLS: cannot write the key store in " + dir + ": " + e, e);
        }
    }

    private static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the ZooKeeper key store {}: {}", file, e.toString());
        }
    }

    /** Deletes the key store file; the client that used it must be closed first. */
    @Override
    public void close() {
        delete(keyStore);
    }
}
