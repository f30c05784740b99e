package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.coordinator.Endpoint;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.replication.Messages;
import io.ftvm.replication.PairTrust;
import io.ftvm.replication.PeerIdentity;
import io.ftvm.replication.WireMapper;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Real processes, mutual TLS on (the default): the attack that used to hijack a protected VM. A stranger without a
 * cluster certificate gets nothing past TLS. Then an insider — a valid cluster certificate, but for another name, and
 * without the pair's key or the cluster's ZooKeeper credentials — connects, claims to be the primary at an epoch a
 * million ahead, offers a forged snapshot and a log batch, and hangs up; again and again, and once at the pair's own
 * epoch. The backup must say nothing but its challenge, refuse and count every attempt, stay REPLAYING, leave the
 * record alone (no unprotect, no takeover, no epoch raised), and still take over with the VM's real data when the
 * real primary dies.
 */
class TrustIT {
    private final Path dir = Path.of("target", "trust-it", Long.toString(System.currentTimeMillis()));
    /** Speaks HTTPS to the cluster's admin endpoints (made with the cluster, which has the CA). */
    private HttpClient http;

    @Test
    void aForgedPrimaryCannotReplaceAProtectedVmOrLockOutItsPrimary() throws Exception {
        RecordedOutput out = new RecordedOutput();
        try (LocalCluster cluster = new LocalCluster(dir, 2)) {
            cluster.createVm("kv", "kvstore", 64, "host-1");
            VmState protectedState = cluster.await("kv", s -> s.state().status() == VmStatus.PROTECTED,
                    Duration.ofSeconds(60)).state();
            String backupHost = protectedState.backup();
            awaitHealth(cluster, backupHost, "\"kv\":\"backup:REPLAYING\"");
            try (ConsoleClient client = ConsoleClient.start(cluster.console("kv"), out,
                    e -> { })) {
                client.send("set precious 42\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.awaitInputAcked(Duration.ofSeconds(30))).isTrue();

                Endpoint target = cluster.replicationEndpoint("kv", protectedState.backupSince()).orElseThrow();
                // A stranger: plain TCP against the TLS port learns nothing at all.
                try (Socket plain = new Socket(target.host(), target.port())) {
                    plain.setSoTimeout(10_000);
                    plain.getOutputStream().write(new byte[] {0, 0, 0, 4, 1, 2, 3, 4});
                    byte[] got = plain.getInputStream().readNBytes(4096);
                    assertThat(new String(got, StandardCharsets.ISO_8859_1)).doesNotContain("kv");
                } catch (IOException reset) {
                    // refused by TLS
                }
                javax.net.ssl.SSLSocketFactory insider = cluster.issueCertificate("intruder").jdkClientContext()
                        .getSocketFactory();
                int attacks = 12;
                for (int i = 0; i < attacks; i++) {
                    long epoch = i == 0 ? protectedState.backupSince() : protectedState.backupSince() + 1_000_000L;
                    attack(insider, target, epoch, protectedState.primary());
                }
                // Longer than the takeover grace (50 ms) and the peer timeout (1 s): a dropped "primary" would have
                // been acted on by now.
                Thread.sleep(2_000);
                String metrics = get(cluster, backupHost, "/metrics");
                assertThat(refusals(metrics)).as("every forged handshake refused and counted")
                        .isGreaterThanOrEqualTo(attacks);
                VersionedState now = cluster.state("kv");
                assertThat(now.state().status()).isEqualTo(VmStatus.PROTECTED);
                assertThat(now.state().epoch()).as("no epoch raised, no unprotect, no takeover")
                        .isEqualTo(protectedState.epoch());
                assertThat(now.state().primary()).isEqualTo(protectedState.primary());
                assertThat(get(cluster, backupHost, "/health")).contains("\"kv\":\"backup:REPLAYING\"");

                // The real pair still works: the primary's host dies, the backup takes over with the real state.
                cluster.kill(protectedState.primary());
                cluster.await("kv", s -> backupHost.equals(s.state().primary()), Duration.ofSeconds(60));
                client.send("get precious\n".getBytes(StandardCharsets.US_ASCII));
                long end = System.nanoTime() + 60_000_000_000L;
                while (!out.text().contains("VALUE 42") && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(out.text()).as("the VM's acknowledged data survived").contains("VALUE 42");
                assertThat(out.gaps()).isEmpty();
            }
        }
    }

    /** One forged primary: reads the challenge, sends a forged handshake, a snapshot offer and a batch, hangs up. */
    private static void attack(javax.net.ssl.SSLSocketFactory tls, Endpoint target, long epoch,
            String claimedPrimary) throws Exception {
        try (Socket s = tls.createSocket(target.host(), target.port())) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] first = new byte[in.readInt()];
            in.readFully(first);
            Messages.FromBackup hello = WireMapper.decodeBackupFrame(first);
            assertThat(hello).as("nothing but a challenge before the peer proved itself")
                    .isInstanceOf(Messages.Challenge.class);
            assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("kv").doesNotContain("demo");
            byte[] challenge = ((Messages.Challenge) hello).nonce();
            // The attacker knows the cluster and VM names and the primary's host id; not the pair's key.
            PeerIdentity.Pair forged = PeerIdentity.localPair(LocalCluster.CLUSTER, "kv", epoch, claimedPrimary,
                    "someone");
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(frames);
            for (Messages.FromPrimary m : List.<Messages.FromPrimary>of(
                    forged.primary().handshake(Messages.Role.PRIMARY, 0, challenge, PairTrust.nonce()),
                    new Messages.SnapshotOffer("forged", 1 << 20, 1, 1),
                    new Messages.LogBatch(0, List.of(new Messages.Entry(1, 1, new byte[8]))))) {
                byte[] body = WireMapper.encodePrimary(m);
                o.writeInt(body.length);
                o.write(body);
            }
            try {
                s.getOutputStream().write(frames.toByteArray());
                while (in.read() >= 0) {
                    throw new AssertionError("the backup answered a forged primary");
                }
            } catch (IOException closed) {
                // the backup closed the connection (a reset while writing or reading)
            }
        }
    }

    private static long refusals(String metrics) {
        Matcher m = Pattern.compile("ftvm_replication_refused_total\\{reason=\"handshake\",?} ([0-9.]+)")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private String get(LocalCluster cluster, String host, String path) throws Exception {
        if (http == null) {
            http = HttpClient.newBuilder().sslContext(cluster.clientSsl()).build();
        }
        return http.send(HttpRequest.newBuilder(java.net.URI.create(cluster.adminUrl(host) + path))
                .header("Authorization", "Bearer " + LocalCluster.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitHealth(LocalCluster cluster, String host, String want) throws Exception {
        String body = "";
        for (long end = System.nanoTime() + 30_000_000_000L; System.nanoTime() < end && !body.contains(want);
                Thread.sleep(50)) {
            body = get(cluster, host, "/health");
        }
        assertThat(body).contains(want);
    }
}
