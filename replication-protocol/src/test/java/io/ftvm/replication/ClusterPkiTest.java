package io.ftvm.replication;

import static io.ftvm.replication.TestSupport.await;
import static io.ftvm.replication.TestSupport.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated cluster CA and host certificates carry a replication pair over mutual TLS; another CA's do not. */
class ClusterPkiTest {
    @TempDir
    Path dir;

    @Test
    void issuedHostCertificatesNameTheHostAndCarryAPair() throws Exception {
        ClusterPki pki = ClusterPki.create("test cluster CA");
        TlsConfig p = pki.issue(dir, "host-1", List.of("127.0.0.1", "localhost"), Duration.ofDays(1));
        TlsConfig b = pki.issue(dir, "host-2", List.of("127.0.0.1"), Duration.ofDays(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p.privateKey())))
                .isEqualTo("rw-------");
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                        Files.newInputStream(p.certificateChain()));
        assertThat(PeerCertificates.names(cert)).contains("host-1", "localhost");
        cert.verify(pki.caCertificate().getPublicKey());

        PeerIdentity.Pair pair = PeerIdentity.localPair("c", "vm", 3, "host-1", "host-2");
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(pair.backup(), 0, e -> { }),
                ConnectionSettings.defaults().withTls(b), null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), pair.primary(), sender,
                     ConnectionSettings.defaults().withTls(p), null)) {
            await(primary::ready, () -> "TLS handshake: " + primary.closeReason() + " / " + backup.lastCloseReason());
            sender.append(new Messages.Entry(1, 1, new byte[] {1}));
            primary.flush();
            assertThat(sender.awaitAckedIcount(1, 10_000)).isTrue();
        }

        // A certificate of another CA for the right host name is refused by the TLS handshake itself.
        TlsConfig stranger = ClusterPki.create("another CA").issue(dir.resolve("other"), "host-1", List.of(),
                Duration.ofDays(1));
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(pair.backup(), 0, e -> { }),
                ConnectionSettings.defaults().withTls(b), null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), pair.primary(),
                     new SenderLog(1 << 20), ConnectionSettings.defaults().withTls(stranger), null)) {
            await(() -> backup.stats().tlsRefusals() == 1, "the refusal counted");
            assertThat(primary.ready()).isFalse();
        }
    }
}
