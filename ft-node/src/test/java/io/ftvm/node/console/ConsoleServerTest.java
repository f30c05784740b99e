package io.ftvm.node.console;

import static io.ftvm.node.console.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleError;
import io.ftvm.replication.console.ConsoleMessage;
import io.ftvm.replication.console.ConsoleMessage.Bye;
import io.ftvm.replication.console.ConsoleMessage.Error;
import io.ftvm.replication.console.ConsoleMessage.Input;
import io.ftvm.replication.console.ConsoleMessage.InputAck;
import io.ftvm.replication.console.ConsoleMessage.Output;
import io.ftvm.replication.console.ConsoleMessage.Redirect;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The server, spoken to frame by frame over loopback: resume points, refusals, redirects, input, pacing. */
class ConsoleServerTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads OUTPUT frames until {@code end}, checking each starts where the last ended. */
    private static byte[] readOutput(RawClient c, long from, long end) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long next = from;
        while (next < end) {
            ConsoleMessage.FromServer m = c.read();
            if (m instanceof InputAck) {
                continue;
            }
            Output o = (Output) m;
            assertThat(o.offset()).isEqualTo(next);
            got.write(o.bytes());
            next = o.end();
        }
        return got.toByteArray();
    }

    @Test
    void outputStreamsFromTheRequestedOffset() throws Exception {
        byte[] ref = TestSupport.randomBytes(100_000, 1);
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1 << 20, 1024);
        backend.appendOutput(ref, 0, 60_000);
        try (ConsoleServer server = TestSupport.server(backend); RawClient c = new RawClient(server.address())) {
            c.hello(12_345, ConsoleMessage.NO_INPUT);
            Welcome w = c.read(Welcome.class);
            assertThat(w).isEqualTo(new Welcome(ConsoleCodec.VERSION, 0, 60_000, 12_345, 0, 0));
            backend.appendOutput(ref, 60_000, 40_000); // live output follows the backlog
            assertThat(readOutput(c, 12_345, 100_000)).isEqualTo(Arrays.copyOfRange(ref, 12_345, 100_000));
        }
    }

    @Test
    void oldestAndEndAreResolvedByTheServer() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(new byte[250]);
        try (ConsoleServer server = TestSupport.server(backend)) {
            try (RawClient c = new RawClient(server.address())) {
                c.hello(ConsoleMessage.FROM_OLDEST, ConsoleMessage.NO_INPUT);
                assertThat(c.read(Welcome.class).outputFrom()).isEqualTo(150);
                assertThat(readOutput(c, 150, 250)).hasSize(100);
            }
            try (RawClient c = new RawClient(server.address())) {
                c.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT);
                assertThat(c.read(Welcome.class).outputFrom()).isEqualTo(250);
                backend.appendOutput(ascii("new"));
                assertThat(readOutput(c, 250, 253)).isEqualTo(ascii("new"));
            }
        }
    }

    @Test
    void anOffsetNoLongerHeldIsRefusedNamingTheOldest() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(new byte[1000]);
        try (ConsoleServer server = TestSupport.server(backend); RawClient c = new RawClient(server.address())) {
            c.hello(10, ConsoleMessage.NO_INPUT);
            Error e = c.read(Error.class);
            assertThat(e.error()).isEqualTo(ConsoleError.OFFSET_NOT_HELD);
            assertThat(e.offset()).isEqualTo(900);
            assertThat(e.message()).contains("output offset 10 is no longer held", "oldest offset held is 900");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void refusalsNameTheirReason() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(new byte[10]);
        try (ConsoleServer server = TestSupport.server(backend)) {
            try (RawClient c = new RawClient(server.address())) {
                c.hello(11, ConsoleMessage.NO_INPUT);
                Error e = c.read(Error.class);
                assertThat(e.error()).isEqualTo(ConsoleError.OFFSET_AHEAD);
                assertThat(e.offset()).isEqualTo(10);
            }
            try (RawClient c = new RawClient(server.address())) {
                c.send(new ConsoleMessage.Hello(ConsoleCodec.VERSION, "vm-unknown", 0, -1, ConsoleAccess.READ,
                        TestSupport.TOKEN, ""));
                assertThat(c.read(Error.class).error()).isEqualTo(ConsoleError.UNKNOWN_VM);
                assertThat(c.closedByServer()).isTrue();
            }
            try (RawClient c = new RawClient(server.address())) {
                c.send(new ConsoleMessage.Hello(ConsoleCodec.VERSION + 1, TestSupport.VM, 0, -1, ConsoleAccess.READ,
                        "", ""));
                Error e = c.read(Error.class);
                assertThat(e.error()).isEqualTo(ConsoleError.UNSUPPORTED_VERSION);
                assertThat(e.message()).contains("protocol version " + (ConsoleCodec.VERSION + 1) + " not supported");
            }
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, 3); // the client holds input from 3, this host accepted none
                Error e = c.read(Error.class);
                assertThat(e.error()).isEqualTo(ConsoleError.INPUT_GAP);
                assertThat(e.offset()).isZero();
            }
        }
    }

    @Test
    void aClientThatDoesNotProveItselfLearnsNothingAndIsCounted() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(ascii("secret output"));
        try (ConsoleServer server = TestSupport.server(backend)) {
            String[][] attempts = {{TestSupport.VM, ""}, {TestSupport.VM, "wrong-token-wrong-token"},
                {"vm-unknown", ""}, {TestSupport.VM, TestSupport.TOKEN + "x"}};
            for (String[] a : attempts) {
                try (RawClient c = new RawClient(server.address())) {
                    c.send(new ConsoleMessage.Hello(ConsoleCodec.VERSION, a[0], ConsoleMessage.FROM_OLDEST,
                            ConsoleMessage.NO_INPUT, ConsoleAccess.WRITE, a[1], "intruder"));
                    c.send(new Input(0, ascii("rm -rf /\n")));
                    Error e = c.read(Error.class);
                    assertThat(e.error()).as("for %s", a[0]).isEqualTo(ConsoleError.UNAUTHENTICATED);
                    assertThat(e.message()).doesNotContain(TestSupport.VM).doesNotContain("secret");
                    assertThat(c.closedByServer()).isTrue();
                }
            }
            assertThat(server.auth().refusals()).isEqualTo(attempts.length);
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).as("nothing typed into the VM").isEmpty();
        }
    }

    @Test
    void attachIsReadOnlyByDefaultAndOneWriterHoldsTheLease() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.appendOutput(ascii("prompt> "));
        try (ConsoleServer server = TestSupport.server(backend)) {
            try (RawClient reader = new RawClient(server.address())) {
                reader.hello(ConsoleMessage.FROM_OLDEST, ConsoleMessage.NO_INPUT, ConsoleAccess.READ,
                        TestSupport.TOKEN, "reader");
                reader.read(ConsoleMessage.Welcome.class);
                assertThat(reader.read(ConsoleMessage.Output.class).offset()).isZero();
                reader.send(new Input(0, ascii("typed\n")));
                assertThat(reader.read(Error.class).error()).isEqualTo(ConsoleError.READ_ONLY);
            }
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEmpty();
            try (RawClient alice = new RawClient(server.address());
                 RawClient bob = new RawClient(server.address());
                 RawClient carol = new RawClient(server.address())) {
                alice.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT, ConsoleAccess.WRITE, TestSupport.TOKEN,
                        "alice@ops");
                alice.read(ConsoleMessage.Welcome.class);
                bob.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT, ConsoleAccess.WRITE, TestSupport.TOKEN,
                        "bob@ops");
                Error held = bob.read(Error.class);
                assertThat(held.error()).isEqualTo(ConsoleError.WRITE_LEASE_HELD);
                assertThat(held.message()).contains("alice@ops");
                carol.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT, ConsoleAccess.TAKE_OVER,
                        TestSupport.TOKEN, "carol@ops");
                carol.read(ConsoleMessage.Welcome.class);
                Error lost = alice.read(Error.class);
                assertThat(lost.error()).isEqualTo(ConsoleError.WRITE_LEASE_LOST);
                assertThat(lost.message()).contains("carol@ops");
                carol.send(new Input(0, ascii("ls\n")));
                long end = System.nanoTime() + 10_000_000_000L;
                while (!new String(backend.inputBytes(), StandardCharsets.US_ASCII).equals("ls\n") && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("ls\n");
            }
            // The holder is gone: the lease is free again.
            await(() -> server.connectionCount() == 0, "the connections closed on the server");
            try (RawClient dave = new RawClient(server.address())) {
                dave.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT, ConsoleAccess.WRITE, TestSupport.TOKEN,
                        "dave");
                assertThat((Object) dave.read()).isInstanceOf(ConsoleMessage.Welcome.class);
            }
        }
    }

    @Test
    void aHostThatDoesNotServeRedirectsToThePrimary() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        backend.setServing(ServingState.notServing("primary-host:7100", "this host is the backup"));
        try (ConsoleServer server = TestSupport.server(backend); RawClient c = new RawClient(server.address())) {
            c.hello(0, ConsoleMessage.NO_INPUT);
            assertThat(c.read(Redirect.class)).isEqualTo(new Redirect("primary-host:7100",
                    "this host is the backup"));
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void detachingOrLosingTheRoleSaysGoodbye() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1024);
        try (ConsoleServer server = TestSupport.server(backend)) {
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, ConsoleMessage.NO_INPUT);
                c.read(Welcome.class);
                backend.setServing(ServingState.notServing("other:1", "fenced"));
                Bye b = c.read(Bye.class);
                assertThat(b.hint()).isEqualTo("other:1");
                assertThat(b.reason()).contains("fenced");
            }
            backend.setServing(ServingState.SERVING);
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, ConsoleMessage.NO_INPUT);
                c.read(Welcome.class);
                assertThat(server.detach(TestSupport.VM, "new-primary:2", "role moved")).isTrue();
                assertThat(c.read(Bye.class)).isEqualTo(new Bye("new-primary:2", "role moved"));
                assertThat(c.closedByServer()).isTrue();
            }
            await(() -> backend.listenerCount() == 0, "listeners removed");
            try (RawClient c = new RawClient(server.address())) {
                c.hello(0, ConsoleMessage.NO_INPUT);
                assertThat(c.read(Error.class).error()).isEqualTo(ConsoleError.UNKNOWN_VM);
            }
        }
    }

    @Test
    void inputIsAcceptedInOrderDuplicatesSkippedAndAckedWhenDurable() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1 << 16);
        try (ConsoleServer server = TestSupport.server(backend)) {
            try (RawClient c = new RawClient(server.address())) {
                c.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT);
                assertThat(c.read(Welcome.class).inputNext()).isZero();
                c.send(new Input(0, ascii("hello ")));
                c.send(new Input(6, ascii("world")));
                await(() -> backend.inputAccepted() == 11, "input accepted");
                backend.ackInput(6);
                assertThat(c.read(InputAck.class).acked()).isEqualTo(6);
            }
            // a reconnecting client resends from its oldest unacknowledged byte: the duplicates are skipped
            try (RawClient c = new RawClient(server.address())) {
                c.hello(ConsoleMessage.FROM_END, 6);
                Welcome w = c.read(Welcome.class);
                assertThat(w.inputAcked()).isEqualTo(6);
                assertThat(w.inputNext()).isEqualTo(6);
                c.send(new Input(6, ascii("world!")));
                await(() -> backend.inputAccepted() == 12, "the new byte accepted");
                backend.ackInput();
                assertThat(c.read(InputAck.class).acked()).isEqualTo(12);
            }
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello world!");
            assertThat(backend.duplicateBytesSkipped()).isEqualTo(5);
        }
    }

    @Test
    void aFullBackendPushesBackAndTakesTheRestLater() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 10);
        byte[] input = TestSupport.randomBytes(5000, 3);
        try (ConsoleServer server = TestSupport.server(backend); RawClient c = new RawClient(server.address())) {
            c.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT);
            c.read(Welcome.class);
            for (int off = 0; off < input.length; off += 100) {
                c.send(new Input(off, Arrays.copyOfRange(input, off, off + 100)));
            }
            await(() -> backend.inputAccepted() == 10, "the first 10 bytes");
            Thread.sleep(50);
            assertThat(backend.inputAccepted()).isEqualTo(10); // no more room until durable
            while (backend.inputAccepted() < input.length) {
                backend.ackInput();
                Thread.sleep(1);
            }
            backend.ackInput();
            assertThat(backend.inputBytes()).isEqualTo(input);
            long acked = 0;
            while (acked < input.length) {
                acked = c.read(InputAck.class).acked();
            }
        }
    }

    @Test
    void aWriterWhoseLeaseWasTakenOverCanTypeNoMore() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(100, 1 << 16);
        try (ConsoleServer server = TestSupport.server(backend); RawClient a = new RawClient(server.address());
             RawClient b = new RawClient(server.address())) {
            a.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT, ConsoleAccess.WRITE, TestSupport.TOKEN, "a");
            a.read(Welcome.class);
            a.send(new Input(0, ascii("abc")));
            await(() -> backend.inputAccepted() == 3, "a's input");
            b.hello(ConsoleMessage.FROM_END, ConsoleMessage.NO_INPUT, ConsoleAccess.TAKE_OVER, TestSupport.TOKEN, "b");
            Welcome w = b.read(Welcome.class);
            assertThat(w.inputNext()).as("b continues after a's input").isEqualTo(3);
            Error lost = a.read(Error.class);
            assertThat(lost.error()).isEqualTo(ConsoleError.WRITE_LEASE_LOST);
            assertThat(a.closedByServer()).isTrue();
            b.send(new Input(3, ascii("d")));
            await(() -> backend.inputAccepted() == 4, "b types");
            assertThat(new String(backend.inputBytes(), StandardCharsets.US_ASCII)).isEqualTo("abcd");
        }
    }

    @Test
    void aSlowReaderIsPacedNotBuffered() throws Exception {
        int total = 48 << 20;
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(64 << 20, 1024);
        byte[] ref = TestSupport.randomBytes(total, 4);
        backend.appendOutput(ref);
        try (ConsoleServer server = TestSupport.server(backend);
             RawClient c = new RawClient(server.address(), 64 * 1024)) {
            c.hello(0, ConsoleMessage.NO_INPUT);
            long last = -1;
            while (backend.outputBytesRead() != last) { // until the server stops reading for this client
                last = backend.outputBytesRead();
                Thread.sleep(300);
            }
            // held: the write-buffer high-water mark and one chunk here, plus the kernel's socket buffers
            assertThat(last).isLessThan(8L << 20);
            c.read(Welcome.class);
            assertThat(readOutput(c, 0, total)).isEqualTo(ref); // and reading resumes the stream
        }
    }

    @Test
    void aReaderThatFallsOutOfTheHistoryIsToldWhereItNowStarts() throws Exception {
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(1 << 20, 1024);
        try (ConsoleServer server = TestSupport.server(backend);
             RawClient c = new RawClient(server.address(), 64 * 1024)) {
            c.hello(0, ConsoleMessage.NO_INPUT);
            c.read(Welcome.class);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 32; i++) {
                backend.appendOutput(chunk); // the client reads nothing meanwhile
            }
            Error e = null;
            while (e == null) {
                ConsoleMessage.FromServer m = c.read();
                e = m instanceof Error err ? err : null;
            }
            assertThat(e.error()).isEqualTo(ConsoleError.OFFSET_NOT_HELD);
            assertThat(e.offset()).isBetween(1L << 20, 31L << 20); // the oldest held when the server noticed
            assertThat(e.message()).contains("left the history before this client read it");
        }
    }

    @Test
    void severalReadersEachGetTheWholeStream() throws Exception {
        byte[] ref = TestSupport.randomBytes(2 << 20, 5);
        InMemoryConsoleBackend backend = new InMemoryConsoleBackend(4 << 20, 1024);
        try (ConsoleServer server = TestSupport.server(backend)) {
            RawClient[] readers = new RawClient[4];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = new RawClient(server.address());
                readers[i].hello(0, ConsoleMessage.NO_INPUT, ConsoleAccess.READ, TestSupport.TOKEN, "reader-" + i);
                readers[i].read(Welcome.class);
            }
            Thread producer = new Thread(() -> {
                for (int off = 0; off < ref.length; off += 7919) {
                    backend.appendOutput(ref, off, Math.min(7919, ref.length - off));
                }
            });
            producer.start();
            byte[][] got = new byte[readers.length][];
            Thread[] threads = new Thread[readers.length];
            for (int i = 0; i < readers.length; i++) {
                int k = i;
                threads[i] = new Thread(() -> {
                    try {
                        got[k] = readOutput(readers[k], 0, ref.length);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads[i].start();
            }
            producer.join(20_000);
            for (int i = 0; i < readers.length; i++) {
                threads[i].join(20_000);
                assertThat(got[i]).as("reader %d", i).isEqualTo(ref);
                readers[i].close();
            }
        }
    }
}
