package io.ftvm.replication;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a client of a host's TLS endpoints (admin HTTPS, console) trusts and, optionally, proves: the cluster CA's
 * certificates (PEM) a host's certificate must chain to, and a certificate chain and PKCS#8 key of the cluster CA
 * (for a client that authenticates by certificate rather than by token). Host names are not checked: the cluster CA
 * signs only the cluster's hosts and operators.
 *
 * @param trustedCertificates the cluster CA certificate(s)
 * @param certificateChain    this client's certificate chain, or null (then {@code privateKey} is null too)
 * @param privateKey          the key of {@code certificateChain}, or null
 */
public record ClientTls(Path trustedCertificates, Path certificateChain, Path privateKey) {
    public ClientTls {
        requireReadable(trustedCertificates, "CA certificate");
        if ((certificateChain == null) != (privateKey == null)) {
            throw new TlsConfig.TlsConfigException("a client certificate needs its private key and the other way "
                    + "round (got " + (certificateChain == null ? "a key only" : "a certificate only") + ")");
        }
        if (certificateChain != null) {
            requireReadable(certificateChain, "client certificate");
            requireReadable(privateKey, "client private key");
        }
    }

    /** A client that checks hosts against {@code ca} and proves itself otherwise (a token). */
    public static ClientTls trusting(Path ca) {
        return new ClientTls(ca, null, null);
    }

    private static void requireReadable(Path p, String what) {
        if (p == null) {
            throw new TlsConfig.TlsConfigException("TLS " + what + " file not set");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new TlsConfig.TlsConfigException("TLS " + what + " file " + p
                    + " does not exist or is not readable");
        }
    }

    /** A Netty client context (TLS 1.3, the best provider available). */
    public SslContext nettyContext() {
        return build(TlsConfig.provider());
    }

    /** A JDK context, for {@link java.net.http.HttpClient} and plain sockets. */
    public javax.net.ssl.SSLContext jdkContext() {
        return ((JdkSslContext) build(SslProvider.JDK)).context();
    }

    private SslContext build(SslProvider provider) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().trustManager(trustedCertificates.toFile())
                    .protocols(TlsConfig.PROTOCOLS).sslProvider(provider).endpointIdentificationAlgorithm(null);
            if (certificateChain != null) {
                b.keyManager(certificateChain.toFile(), privateKey.toFile());
            }
            return b.build();
        } catch (Exception e) {
            throw new TlsConfig.TlsConfigException("TLS client configuration (CA " + trustedCertificates
                    + (certificateChain == null ? "" : ", certificate " + certificateChain + ", key " + privateKey)
                    + ") is unusable: " + e.getMessage(), e);
        }
    }
}
