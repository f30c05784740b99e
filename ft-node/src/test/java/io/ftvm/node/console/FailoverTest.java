package io.ftvm.node.console;

import static io.ftvm.node.console.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConnectionEvent.Kind;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleException;
import io.ftvm.replication.console.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failover as a console client sees it. Two hosts hold identical output streams (the backup's a prefix-superset of
 * the primary's, as the Output Rule guarantees); the primary's accepted input is "replicated" to the backup and only
 * then acknowledged. The primary's endpoint is closed mid-stream, at a moment when some input is replicated but not
 * acknowledged and some is accepted but not replicated; the backup then serves. The client's output must equal the
 * reference with no gap and no repeat, and the backup's input must be exactly what the client sent, once. The primary
 * either shuts down (its endpoint says BYE) or crashes (its connections are reset, reconnects refused).
 */
class FailoverTest {
    private static final int OUTPUT_BYTES = 3 << 20;

    enum Death {
        SHUTDOWN, CRASH
    }

    @ParameterizedTest
    @EnumSource(Death.class)
    void aClientFollowsTheVmAcrossAFailoverLosingAndRepeatingNothing(Death death) throws Exception {
        byte[] ref = TestSupport.randomBytes(OUTPUT_BYTES, 11);
        InMemoryConsoleBackend primary = new InMemoryConsoleBackend(4 << 20, 1 << 20);
        InMemoryConsoleBackend backup = new InMemoryConsoleBackend(4 << 20, 1 << 20);
        ConsoleServer primaryServer = TestSupport.server(primary);
        ConsoleServer backupServer = TestSupport.server(backup);
        CrashingProxy proxy = new CrashingProxy(primaryServer.address());
        Endpoint primaryEndpoint = death == Death.CRASH ? proxy.endpoint() : TestSupport.endpoint(primaryServer);
        backup.setServing(ServingState.notServing(primaryEndpoint.toString(), "backup"));
        ClientRecorder rec = new ClientRecorder();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        AtomicBoolean replicating = new AtomicBoolean(true);
        AtomicBoolean typing = new AtomicBoolean(true);
        AtomicInteger lines = new AtomicInteger();
        Thread replicator = new Thread(() -> {
            while (replicating.get()) {
                replicate(primary, backup, true);
                sleep(2);
            }
        }, "replicator");
        try (ConsoleClient client = ConsoleClient.start(TestSupport.clientConfig(
                TestSupport.endpoint(backupServer), primaryEndpoint), rec, rec)) {
            replicator.start();
            Thread typist = new Thread(() -> {
                try {
                    while (typing.get()) {
                        byte[] line = String.format("line %06d%n", lines.getAndIncrement())
                                .getBytes(StandardCharsets.US_ASCII);
                        client.send(line);
                        synchronized (sent) {
                            sent.write(line, 0, line.length);
                        }
                        sleep(1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "typist");
            typist.start();

            int off = 0;
            int half = OUTPUT_BYTES / 2;
            while (off < half) { // output released in lockstep: the backup has it before the primary releases it
                int n = Math.min(16 * 1024, half - off);
                backup.appendOutput(ref, off, n);
                primary.appendOutput(ref, off, n);
                off += n;
                sleep(1);
            }
            await(() -> rec.outputSize() > OUTPUT_BYTES / 4 && lines.get() > 50, "streaming under way");

            // the primary dies: replication stops, with input replicated but unacknowledged ...
            replicating.set(false);
            replicator.join(10_000);
            await(() -> primary.inputAccepted() > backup.inputAccepted() + 20, "input to replicate");
            replicate(primary, backup, false);
            // ... and input accepted by the primary but never replicated
            long replicated = backup.inputAccepted();
            await(() -> primary.inputAccepted() > replicated + 20, "unreplicated input on the primary");
            if (death == Death.CRASH) {
                proxy.crash();
            }
            primaryServer.close();
            long receivedAtCrash = rec.outputSize();
            assertThat(receivedAtCrash).isLessThan(OUTPUT_BYTES);

            // the backup goes live; the input it holds becomes durable a moment later (so the client, told only
            // what is durable, resends replicated bytes, which the backend skips), then at once (unprotected)
            backup.setServing(ServingState.SERVING);
            await(() -> rec.saw(Kind.RECONNECTED), "the client on the backup");
            backup.autoAck(true);
            while (off < OUTPUT_BYTES) {
                int n = Math.min(16 * 1024, OUTPUT_BYTES - off);
                backup.appendOutput(ref, off, n);
                off += n;
            }
            await(() -> rec.outputSize() == OUTPUT_BYTES, "all output via the backup");
            typing.set(false);
            typist.join(10_000);
            assertThat(client.awaitInputAcked(Duration.ofSeconds(20))).as("input acknowledged").isTrue();

            assertThat(rec.output()).isEqualTo(ref); // no gap, no repeat, contiguous offsets
            assertThat(rec.kinds()).contains(Kind.CONNECTED, Kind.DISCONNECTED, Kind.RECONNECTED)
                    .doesNotContain(Kind.OUTPUT_GAP, Kind.INPUT_LOST, Kind.FAILED);
            ConnectionEvent reconnected = rec.events().stream().filter(e -> e.kind() == Kind.RECONNECTED)
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(reconnected.endpoint()).isEqualTo(TestSupport.endpoint(backupServer));
            assertThat(reconnected.outputOffset()).isGreaterThanOrEqualTo(receivedAtCrash);
            byte[] expectedInput;
            synchronized (sent) {
                expectedInput = sent.toByteArray();
            }
            assertThat(new String(backup.inputBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo(new String(expectedInput, StandardCharsets.US_ASCII));
            assertThat(backup.duplicateBytesSkipped()).as("replicated-but-unacked input was resent and skipped")
                    .isPositive();
            assertThat(client.connectedTo()).isEqualTo(TestSupport.endpoint(backupServer));
        } finally {
            replicating.set(false);
            typing.set(false);
            proxy.close();
            primaryServer.close();
            backupServer.close();
        }
    }

    /** Copies the primary's input the backup lacks; with {@code ack}, the primary then makes it durable. */
    private static void replicate(InMemoryConsoleBackend primary, InMemoryConsoleBackend backup, boolean ack) {
        long from = backup.inputAccepted();
        byte[] bytes = primary.inputBytes(from);
        if (bytes.length == 0) {
            return;
        }
        try {
            long to = backup.offerInput(from, bytes);
            if (ack) {
                primary.ackInput(to);
            }
        } catch (ConsoleException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
