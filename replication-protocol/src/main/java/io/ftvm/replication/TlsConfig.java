package io.ftvm.replication;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutual TLS for the log stream: this host's certificate chain and PKCS#8 private key (PEM), and the CA
 * certificates (PEM) a peer's certificate must chain to. Both ends present certificates; a peer without a valid
 * one is refused during the TLS handshake. Host names are not checked: membership of the cluster is proven by the
 * cluster CA's signature, and which VM and epoch a peer speaks for by the replication handshake.
 */
public record TlsConfig(Path certificateChain, Path privateKey, Path trustedCertificates) {
    /** TLS 1.3 only: no downgrade to older protocol versions. */
    static final String[] PROTOCOLS = {"TLSv1.3"};

    public TlsConfig {
        requireReadable(certificateChain, "certificate chain");
        requireReadable(privateKey, "private key");
        requireReadable(trustedCertificates, "trusted CA certificates");
    }

    private static void requireReadable(Path p, String what) {
        if (p == null) {
            throw new TlsConfigException("TLS " + what + " file not set");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new TlsConfigException("TLS " + what + " file " + p + " does not exist or is not readable");
        }
    }

    /**
     * Reads the three files the way both ends will (certificate chain, key, CA), so a start-up check can name a bad
     * PEM before any connection is made.
     *
     * @throws TlsConfigException naming the files and the problem
     */
    public void check() {
        serverContext();
        clientContext();
        endpointServerContext();
    }

    /** The backup's (server's) context: requires a client certificate. */
    SslContext serverContext() {
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                    .trustManager(trustedCertificates.toFile()).clientAuth(ClientAuth.REQUIRE)
                    .protocols(PROTOCOLS).sslProvider(provider()).build();
        } catch (Exception e) {
            throw new TlsConfigException(describe(e), e);
        }
    }

    /**
     * The context of a host's operator-facing endpoints (admin HTTPS, console): presents this host's certificate;
     * a client may present one of the cluster CA (it is then verified, and proves the client), or none (it must
     * then prove itself with a token inside the connection).
     */
    public SslContext endpointServerContext() {
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                    .trustManager(trustedCertificates.toFile()).clientAuth(ClientAuth.OPTIONAL)
                    .protocols(PROTOCOLS).sslProvider(provider()).build();
        } catch (Exception e) {
            throw new TlsConfigException(describe(e), e);
        }
    }

    /** This host as a client of other hosts' endpoints: its certificate, trusting the cluster CA. */
    public ClientTls asClient() {
        return new ClientTls(trustedCertificates, certificateChain, privateKey);
    }

    /** The primary's (client's) context: presents its certificate, trusts only the cluster CA. */
    SslContext clientContext() {
        try {
            return SslContextBuilder.forClient().keyManager(certificateChain.toFile(), privateKey.toFile())
                    .trustManager(trustedCertificates.toFile()).protocols(PROTOCOLS).sslProvider(provider())
                    .endpointIdentificationAlgorithm(null).build();
        } catch (Exception e) {
            throw new TlsConfigException(describe(e), e);
        }
    }

    /**
     * A JDK {@link javax.net.ssl.SSLContext} for clients that are not Netty (HTTP clients, plain sockets): presents
     * this certificate, trusts only the cluster CA.
     *
     * @throws TlsConfigException when the files are unusable
     */
    public javax.net.ssl.SSLContext jdkClientContext() {
        return asClient().jdkContext();
    }

    private String describe(Exception e) {
        return "TLS configuration (certificate " + certificateChain + ", key " + privateKey + ", CA "
                + trustedCertificates + ") is unusable: " + e.getMessage();
    }

    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** Thrown when the TLS files are missing or unusable. */
    public static final class TlsConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public TlsConfigException(String message) {
            super(message);
        }

        public TlsConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
