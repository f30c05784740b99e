package io.ftvm.replication;

import static io.ftvm.replication.TestSupport.await;
import static io.ftvm.replication.TestSupport.loopback;
import static io.ftvm.replication.TestSupport.tls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.replication.Messages.Entry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS over loopback: both sides present cluster certificates or the connection is refused. */
class TlsLoopbackTest {
    private static final PeerIdentity.Pair PAIR = PeerIdentity.localPair("c1", "vm-1", 3, "ftvm-primary",
            "ftvm-backup");

    @Test
    void clusterCertificatesOnBothSidesCarryTheStream() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                tls("backup", "ca"), null);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender, tls("primary", "ca"),
                     null)) {
            await(primary::ready, () -> "handshake over TLS: primary " + primary.state() + " " + primary.closeReason()
                    + ", backup " + backup.lastCloseReason());
            for (int i = 1; i <= 500; i++) {
                sender.append(new Entry(i, 1, new byte[] {(byte) i}));
            }
            primary.flush();
            assertThat(sender.awaitAckedIcount(500, 10_000)).isTrue();
            assertThat(delivered).hasSize(500);
            assertThat(backup.stats().tlsRefusals()).isZero();
        }
    }

    @Test
    void aPrimaryWithAForeignCertificateIsRefused() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SenderLog sender = new SenderLog(1 << 20);
        sender.append(new Entry(1, 1, new byte[1]));
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                tls("backup", "ca"), null);
             PrimaryConnection rogue = new PrimaryConnection(backup.address(), PAIR.primary(), sender, tls("rogue", "ca"),
                     null)) {
            await(() -> !rogue.isOpen(), "the refusal");
            await(() -> backup.stats().tlsRefusals() == 1, "the refusal counted");
            await(() -> backup.lastCloseReason() != null, "the reason");
            assertThat(rogue.ready()).isFalse();
            assertThat(backup.lastCloseReason()).startsWith("TLS refused");
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void aClusterCertificateOfAnotherHostCannotActAsThePairsPrimary() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SenderLog sender = new SenderLog(1 << 20);
        sender.append(new Entry(1, 1, new byte[1]));
        // The cluster CA signed it, and the pair's key is known, but the certificate names ftvm-backup.
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                tls("backup", "ca"), null);
             PrimaryConnection other = new PrimaryConnection(backup.address(), PAIR.primary(), sender,
                     tls("backup", "ca"), null)) {
            await(() -> !other.isOpen(), "the refusal");
            await(() -> backup.stats().handshakeRefusals() == 1, "the refusal counted");
            assertThat(other.ready()).isFalse();
            assertThat(backup.lastCloseReason()).contains("certificate").contains("ftvm-primary");
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void aBackupWithAForeignCertificateIsRefusedByThePrimary() throws Exception {
        SenderLog sender = new SenderLog(1 << 20);
        try (BackupEndpoint rogue = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }),
                tls("rogue", "rogue-ca"), null);
             PrimaryConnection primary = new PrimaryConnection(rogue.address(), PAIR.primary(), sender, tls("primary", "ca"),
                     null)) {
            await(() -> !primary.isOpen(), "the refusal");
            // The channel may close a moment before the guard has counted and recorded the TLS failure.
            await(() -> primary.stats().tlsRefusals() == 1 && primary.closeReason() != null, "the refusal counted");
            assertThat(primary.ready()).isFalse();
            assertThat(primary.closeReason()).startsWith("TLS refused");
        }
    }

    @Test
    void aPlainTcpPeerWithoutACertificateIsRefused() throws Exception {
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                tls("backup", "ca"), null);
             Socket plain = new Socket(backup.address().getAddress(), backup.address().getPort())) {
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            byte[] hello = WireMapper.encodePrimary(PAIR.primary().handshake(Messages.Role.PRIMARY,
                    0, PairTrust.nonce(), PairTrust.nonce()));
            out.write(new byte[] {0, 0, 0, (byte) hello.length});
            out.write(hello);
            out.flush();
            InputStream in = plain.getInputStream();
            byte[] buf = new byte[4096];
            int rounds = 0;
            while (in.read(buf) >= 0 && rounds++ < 1000) {
                // the server's TLS alert, then end of stream
            }
            await(() -> backup.stats().tlsRefusals() == 1, "the refusal counted");
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void unusableTlsFilesAreNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> new TlsConfig(missing, TestSupport.tlsFile("backup.key"),
                TestSupport.tlsFile("ca.pem"))).isInstanceOf(TlsConfig.TlsConfigException.class)
                .hasMessageContaining("certificate chain").hasMessageContaining(missing.toString());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        TlsConfig bad = new TlsConfig(garbage, TestSupport.tlsFile("backup.key"), TestSupport.tlsFile("ca.pem"));
        assertThatThrownBy(() -> new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }),
                ConnectionSettings.defaults().withTls(bad), null))
                .isInstanceOf(TlsConfig.TlsConfigException.class).hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> new PrimaryConnection(loopback(), PAIR.primary(), new SenderLog(1),
                ConnectionSettings.defaults().withTls(bad), null))
                .isInstanceOf(TlsConfig.TlsConfigException.class).hasMessageContaining("unusable");
        // check() reads them as both ends will, before any endpoint exists (ftd's config check)
        assertThatThrownBy(bad::check).isInstanceOf(TlsConfig.TlsConfigException.class)
                .hasMessageContaining(garbage.toString());
        new TlsConfig(TestSupport.tlsFile("backup.pem"), TestSupport.tlsFile("backup.key"),
                TestSupport.tlsFile("ca.pem")).check();
    }
}
