package io.ftvm.node.console;

import static io.ftvm.node.console.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.replication.console.ConnectionEvent.Kind;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleError;
import io.ftvm.replication.console.ConsoleMessage;
import io.ftvm.replication.console.Endpoint;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The client library against real servers on loopback: output, input, redirects, gaps, broken servers, close. */
class ConsoleClientTest {
    @Test
    void outputArrivesAndInputIsAcknowledgedOnlyWhenDurable() throws Exception {
        byte[] ref = TestSupport.randomBytes(300_000, 7);
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1 << 20, 1 << 16);
        backend.appendOutput(ref, 0, 1000);
        ClientRecorder rec = new ClientRecorder();
        try (ConsoleServer server = TestSupport.server(backend);
             ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server)), rec,
                     rec)) {
            backend.appendOutput(ref, 1000, ref.length - 1000);
            await(() -> rec.outputSize() == ref.length, "all output");
            assertThat(rec.output()).isEqualTo(ref);
            assertThat(client.outputOffset()).isEqualTo(ref.length);
            assertThat(rec.kinds()).startsWith(Kind.CONNECTED);
            assertThat(client.connectedTo()).isEqualTo(TestSupport.endpoint(server));

            client.send("date\n".getBytes(StandardCharsets.US_ASCII));
            await(() -> backend.inputAccepted() == 5, "input accepted");
            Thread.sleep(50);
            assertThat(client.inputAcked()).isZero();
            assertThat(client.inputPending()).isEqualTo(5);
            backend.ackInput();
            assertThat(client.awaitInputAcked(Duration.ofSeconds(10))).isTrue();
            assertThat(client.inputAcked()).isEqualTo(5);
        }
        assertThat(rec.kinds()).endsWith(Kind.CLOSED);
    }

    @Test
    void closingSaysGoodbye() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        try (ConsoleServer server = TestSupport.server(backend)) {
            ClientRecorder rec = new ClientRecorder();
            ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server)), rec,
                    rec);
            await(() -> client.state() == ConsoleClient.State.CONNECTED, "connected");
            client.close();
            assertThat(client.awaitStopped(Duration.ZERO)).isTrue();
            await(() -> server.connectionCount() == 0, "connection closed");
            assertThat(server.stats().lastCloseReason()).isEqualTo("client said goodbye: client closed");
        }
    }

    @Test
    void aSwitchoverGoesOnOverTheStandbyConnectionHeldReady() throws Exception {
        InMemoryConsoleBackend old = new InMemoryConsoleBackend(1024, 1024);
        old.appendOutput("before ".getBytes(StandardCharsets.US_ASCII));
        InMemoryConsoleBackend next = new InMemoryConsoleBackend(1024, 1024);
        next.appendOutput("before ".getBytes(StandardCharsets.US_ASCII));
        next.setServing(ServingState.notServing("", "this host is the backup", true));
        ClientRecorder rec = new ClientRecorder();
        try (ConsoleServer oldServer = TestSupport.server(old); ConsoleServer nextServer = TestSupport.server(next);
             ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(oldServer)),
                     rec, rec)) {
            await(() -> rec.outputSize() == 7, "output from the old primary");
            String standby = TestSupport.endpoint(nextServer).toString();
            old.setStandby(standby);
            await(() -> nextServer.connectionCount() == 1, "a connection held ready at the standby");
            Thread.sleep(100);
            assertThat(client.connectedTo()).isEqualTo(TestSupport.endpoint(oldServer));
            // the hand-over: the old host sends its clients on; the new one takes over, then serves
            next.setServing(new ServingState.Arriving("the primary hands the VM over"));
            old.setServing(ServingState.notServing(standby, "the VM is being handed over"));
            Thread.sleep(50);
            next.appendOutput("after".getBytes(StandardCharsets.US_ASCII));
            next.setServing(ServingState.SERVING);
            await(() -> rec.outputSize() == 12, "output from the new primary");
            assertThat(new String(rec.output(), StandardCharsets.US_ASCII)).isEqualTo("before after");
            assertThat(client.connectedTo()).isEqualTo(TestSupport.endpoint(nextServer));
            assertThat(nextServer.connectionCount()).as("no second connection: the standby one went on").isEqualTo(1);
            assertThat(rec.kinds()).containsSubsequence(Kind.CONNECTED, Kind.DISCONNECTED, Kind.RECONNECTED)
                    .doesNotContain(Kind.REDIRECTED);
        }
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        InMemoryConsoleBackend primary = new InMemoryConsoleBackend(1024, 1024);
        primary.appendOutput("from the primary".getBytes(StandardCharsets.US_ASCII));
        try (ConsoleServer primaryServer = TestSupport.server(primary)) {
            InMemoryConsoleBackend backup = new InMemoryConsoleBackend(1024, 1024);
            backup.setServing(ServingState.notServing(TestSupport.endpoint(primaryServer).toString(), "backup"));
            ClientRecorder rec = new ClientRecorder();
            try (ConsoleServer backupServer = TestSupport.server(backup);
                 ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(
                         TestSupport.endpoint(backupServer)), rec, rec)) {
                await(() -> rec.outputSize() == 16, "output via the redirect");
                assertThat(new String(rec.output(), StandardCharsets.US_ASCII)).isEqualTo("from the primary");
                assertThat(client.connectedTo()).isEqualTo(TestSupport.endpoint(primaryServer));
                assertThat(rec.kinds()).startsWith(Kind.REDIRECTED, Kind.DISCONNECTED, Kind.CONNECTED);
            }
        }
    }

    @Test
    void anUnreachableEndpointIsSkipped() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1024);
        backend.appendOutput(new byte[] {42});
        ClientRecorder rec = new ClientRecorder();
        try (ConsoleServer server = TestSupport.server(backend);
             ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(new Endpoint("127.0.0.1", deadPort),
                     TestSupport.endpoint(server)), rec, rec)) {
            await(() -> rec.outputSize() == 1, "output from the second endpoint");
            assertThat(rec.events().get(0).detail()).contains("cannot connect to 127.0.0.1:" + deadPort);
            assertThat(client.state()).isEqualTo(ConsoleClient.State.CONNECTED);
        }
    }

    @Test
    void anOutputGapFailsLoudlyByDefault() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(new byte[1000]);
        ClientRecorder rec = new ClientRecorder();
        try (ConsoleServer server = TestSupport.server(backend);
             ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server))
                     .withStartOffset(10), rec, rec)) {
            assertThat(client.awaitStopped(Duration.ofSeconds(20))).isTrue();
            assertThat(client.state()).isEqualTo(ConsoleClient.State.FAILED);
            assertThat(rec.kinds()).containsExactly(Kind.OUTPUT_GAP, Kind.FAILED);
            assertThat(rec.events().get(0).detail())
                    .contains("output [10, 900) is no longer held; the oldest offset held is 900");
            assertThat(rec.outputSize()).isZero();
        }
    }

    @Test
    void anAcceptedOutputGapResumesAtTheOldestOffset() throws Exception {
        byte[] ref = TestSupport.randomBytes(1000, 8);
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(ref);
        ClientRecorder rec = new ClientRecorder();
        try (ConsoleServer server = TestSupport.server(backend);
             ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server))
                     .withStartOffset(10).withAcceptOutputGaps(true), rec, rec)) {
            await(() -> rec.outputSize() == 100, "the held output");
            assertThat(rec.firstOffset()).isEqualTo(900);
            assertThat(rec.output()).isEqualTo(Arrays.copyOfRange(ref, 900, 1000));
            assertThat(rec.kinds()).startsWith(Kind.OUTPUT_GAP, Kind.DISCONNECTED, Kind.CONNECTED);
            assertThat(client.outputOffset()).isEqualTo(1000);
        }
    }

    /** A broken server: WELCOME, then OUTPUT that skips ahead (or repeats); the client must not deliver it. */
    @Test
    void outputThatIsNotContiguousIsRefusedAndTheClientReconnects() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            fake.setSoTimeout(10_000);
            Endpoint ep = new Endpoint("127.0.0.1", fake.getLocalPort());
            ClientRecorder rec = new ClientRecorder();
            try (ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(ep), rec, rec)) {
                for (int round = 0; round < 2; round++) {
                    try (Socket s = fake.accept()) {
                        s.setSoTimeout(10_000);
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] hello = new byte[in.readInt()];
                        in.readFully(hello);
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        long from = round == 0 ? 0 : 3;
                        write(out, new ConsoleMessage.Welcome(ConsoleCodec.VERSION, 0, 100, from, 0, 0));
                        write(out, new ConsoleMessage.Output(from, new byte[] {1, 2, 3}));
                        write(out, new ConsoleMessage.Output(round == 0 ? 7 : 4, new byte[] {9}));
                        assertThat(in.read()).as("client closes").isLessThan(0);
                    }
                }
                await(() -> client.stats().violations() == 2, "both violations counted");
                assertThat(client.stats().lastCloseReason()).contains("OUTPUT at offset 4 but the next offset"
                        + " needed is 6 (a repeat)");
                assertThat(rec.output()).containsExactly(1, 2, 3, 1, 2, 3); // offsets 0..2, then 3..5
                assertThat(rec.events().stream().filter(e -> e.kind() == Kind.DISCONNECTED).findFirst().orElseThrow()
                        .detail()).contains("OUTPUT at offset 7 but the next offset needed is 3 (a gap)");
            }
        }
    }

    @Test
    void aHostOfThePreviousReleaseIsSpokenToInItsVersion() throws Exception {
        try (ServerSocket old = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            old.setSoTimeout(10_000);
            Endpoint ep = new Endpoint("127.0.0.1", old.getLocalPort());
            ClientRecorder rec = new ClientRecorder();
            try (ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(ep), rec, rec)) {
                for (int version : new int[] {ConsoleCodec.VERSION, ConsoleCodec.MIN_VERSION}) {
                    try (Socket s = old.accept()) {
                        s.setSoTimeout(10_000);
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] hello = new byte[in.readInt()];
                        in.readFully(hello);
                        int asked = ((hello[5] & 0xff) << 8) | (hello[6] & 0xff); // type, magic, then the version
                        assertThat(asked).isEqualTo(version);
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        if (asked != ConsoleCodec.MIN_VERSION) { // what a version-2 server says
                            write(out, new ConsoleMessage.Error(ConsoleError.UNSUPPORTED_VERSION.wire(), -1,
                                    "protocol version " + asked + " not supported; this server speaks 2"));
                            assertThat(in.read()).isLessThan(0);
                            continue;
                        }
                        write(out, new ConsoleMessage.Welcome(ConsoleCodec.MIN_VERSION, 0, 2, 0, 0, 0));
                        write(out, new ConsoleMessage.Output(0, new byte[] {4, 2}));
                        await(() -> rec.outputSize() == 2, "output from the old host");
                    }
                }
                assertThat(rec.kinds()).contains(Kind.CONNECTED).doesNotContain(Kind.FAILED);
            }
        }
    }

    @Test
    void aStandbyThatCannotBeReachedLeavesTheClientWorking() throws Exception {
        InMemoryConsoleBackend first = new InMemoryConsoleBackend(1024, 1024);
        first.appendOutput("one".getBytes(StandardCharsets.US_ASCII));
        InMemoryConsoleBackend second = new InMemoryConsoleBackend(1024, 1024);
        second.appendOutput("one".getBytes(StandardCharsets.US_ASCII));
        ClientRecorder rec = new ClientRecorder();
        try (ConsoleServer a = TestSupport.server(first); ConsoleServer b = TestSupport.server(second);
             ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(a)), rec,
                     rec)) {
            await(() -> rec.outputSize() == 3, "output from the first host");
            first.setStandby("nosuchhost.invalid:7100"); // cannot even be resolved
            Thread.sleep(200);
            first.setStandby("127.0.0.1:1"); // refused
            Thread.sleep(200);
            first.setServing(ServingState.notServing(TestSupport.endpoint(b).toString(), "moved"));
            second.appendOutput("two".getBytes(StandardCharsets.US_ASCII));
            await(() -> rec.outputSize() == 6, "output from the second host");
            assertThat(client.connectedTo()).isEqualTo(TestSupport.endpoint(b));
            // and with no hint at all, when the standby is dead
            second.setStandby("127.0.0.1:1");
            Thread.sleep(200);
            first.setServing(ServingState.SERVING);
            first.appendOutput("two!".getBytes(StandardCharsets.US_ASCII));
            second.setServing(ServingState.notServing("", "gone"));
            await(() -> rec.outputSize() == 7, "output from the first host again, found without a hint");
        }
    }

    private static void write(DataOutputStream out, ConsoleMessage m) throws Exception {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        ConsoleCodec.encode(m, b);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    @Test
    void oneWriterAtATimeAndReadersCannotType() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1024, 1 << 16);
        ClientRecorder recA = new ClientRecorder();
        ClientRecorder recB = new ClientRecorder();
        ClientRecorder recC = new ClientRecorder();
        try (ConsoleServer server = TestSupport.server(backend);
             ConsoleClient a = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server))
                     .withClientName("alice"), recA, recA)) {
            await(() -> a.state() == ConsoleClient.State.CONNECTED, "a connected");
            try (ConsoleClient b = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server))
                    .withClientName("bob"), recB, recB)) {
                await(() -> recB.saw(Kind.FAILED), "b refused for good");
                assertThat(recB.events().stream().filter(e -> e.kind() == Kind.FAILED).findFirst().orElseThrow()
                        .detail()).contains("WRITE_LEASE_HELD", "alice");
            }
            try (ConsoleClient reader = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server))
                    .withAccess(ConsoleAccess.READ), recC, recC)) {
                await(() -> reader.state() == ConsoleClient.State.CONNECTED, "reader connected");
                assertThatThrownBy(() -> reader.send(new byte[] {'x'})).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("read-only");
            }
            ClientRecorder recD = new ClientRecorder();
            try (ConsoleClient d = ConsoleClient.start(TestSupport.clientConfig(TestSupport.endpoint(server))
                    .withAccess(ConsoleAccess.TAKE_OVER).withClientName("dave"), recD, recD)) {
                await(() -> d.state() == ConsoleClient.State.CONNECTED, "d took the lease");
                await(() -> recA.saw(Kind.FAILED), "a lost it");
                assertThat(recA.events().stream().filter(e -> e.kind() == Kind.FAILED).findFirst().orElseThrow()
                        .detail()).contains("WRITE_LEASE_LOST", "dave");
                d.send("abc".getBytes(StandardCharsets.US_ASCII));
                await(() -> backend.inputAccepted() == 3, "d types");
                backend.ackInput();
                assertThat(d.awaitInputAcked(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("abc");
        }
    }
}
