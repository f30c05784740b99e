package io.ftvm.replication;

import static io.ftvm.replication.TestSupport.await;
import static io.ftvm.replication.TestSupport.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.replication.Messages.Entry;
import io.ftvm.replication.Messages.SnapshotChunk;
import io.ftvm.replication.Messages.SnapshotComplete;
import io.ftvm.replication.Messages.SnapshotOffer;
import io.ftvm.replication.Messages.SnapshotResume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bringing a new backup in: a snapshot over the stream, resumed after a broken connection, then the log. */
class SnapshotTransferTest {
    private static final PeerIdentity.Pair PAIR = PeerIdentity.localPair("c1", "vm-1", 2, "ftvm-primary",
            "ftvm-backup");

    @TempDir
    Path dir;

    private static Entry entry(long i) {
        return new Entry(i * 10, 1, new byte[] {(byte) i});
    }

    private Path randomFile(String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    /** A sender whose first {@code released} entries a previous backup ACKed, holding {@code total} in all. */
    private static SenderLog senderWithHistory(int released, int total) throws Exception {
        SenderLog sender = new SenderLog(64 << 20);
        for (int i = 0; i < total; i++) {
            sender.append(entry(i));
        }
        sender.nextBatch(released);
        sender.onAck(new Messages.Ack(released - 1, (released - 1) * 10L));
        return sender;
    }

    private record Installed(SnapshotOffer offer, byte[] contents) {
    }

    @Test
    void aBackupThatCannotResumeGetsASnapshotThenTheLogFromItsPosition() throws Exception {
        SenderLog sender = senderWithHistory(50, 100);
        OutgoingSnapshot snap = OutgoingSnapshot.of("vm-1.e2.500", randomFile("source", 3_000_000), 490, 50);
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Installed> installed = new AtomicReference<>();
        SnapshotReceiver store = new SnapshotReceiver(dir.resolve("backup"),
                (offer, file) -> installed.set(new Installed(offer, Files.readAllBytes(file))));
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                ConnectionSettings.defaults(), store);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender,
                     ConnectionSettings.defaults(), from -> CompletableFuture.completedFuture(snap))) {
            await(primary::ready, "snapshot sent");
            primary.flush();
            assertThat(sender.awaitAckedIcount(990, 10_000)).isTrue();
            assertThat(installed.get().offer()).isEqualTo(new SnapshotOffer("vm-1.e2.500", 3_000_000, 490, 50));
            assertThat(installed.get().contents()).isEqualTo(Files.readAllBytes(snap.file()));
            assertThat(delivered).extracting(Entry::icount).first().isEqualTo(500L);
            assertThat(delivered).hasSize(50);
            assertThat(primary.snapshotResumedAt()).isZero();
            assertThat(Files.exists(dir.resolve("backup/vm-1.e2.500.snapshot"))).isTrue();
        }
    }

    @Test
    void aTransferBrokenInTheMiddleResumesWhereItStopped() throws Exception {
        SenderLog sender = senderWithHistory(10, 20);
        int size = 12 << 20;
        OutgoingSnapshot snap = OutgoingSnapshot.of("big", randomFile("source", size), 90, 10);
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Installed> installed = new AtomicReference<>();
        SnapshotReceiver store = new SnapshotReceiver(dir.resolve("backup"),
                (offer, file) -> installed.set(new Installed(offer, Files.readAllBytes(file))));
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                ConnectionSettings.defaults(), store)) {
            try (CuttingProxy cut = new CuttingProxy(backup.address(), 5 << 20);
                 PrimaryConnection first = new PrimaryConnection(cut.address(), PAIR.primary(), sender,
                         ConnectionSettings.defaults(), from -> CompletableFuture.completedFuture(snap))) {
                await(() -> !first.isOpen(), "the broken connection");
                assertThat(first.ready()).isFalse();
            }
            await(() -> !backup.connected(), "the backup to notice");
            long held = store.received();
            assertThat(held).isBetween(1L << 20, 5L << 20);
            assertThat(installed.get()).isNull();
            try (PrimaryConnection second = new PrimaryConnection(backup.address(), PAIR.primary(), sender,
                    ConnectionSettings.defaults(), from -> CompletableFuture.completedFuture(snap))) {
                await(second::ready, "the rest of the snapshot");
                assertThat(second.snapshotResumedAt()).isEqualTo(held);
                second.flush();
                assertThat(sender.awaitAckedIcount(190, 10_000)).isTrue();
            }
            assertThat(installed.get().contents()).isEqualTo(Files.readAllBytes(snap.file()));
            assertThat(store.bytesWritten()).as("no byte written twice").isEqualTo(size);
            assertThat(delivered).extracting(Entry::icount).containsExactly(100L, 110L, 120L, 130L, 140L, 150L,
                    160L, 170L, 180L, 190L);
        }
    }

    @Test
    void aSnapshotFailingItsChecksumIsDiscardedNotInstalled() throws Exception {
        SenderLog sender = senderWithHistory(5, 10);
        OutgoingSnapshot good = OutgoingSnapshot.of("s1", randomFile("source", 700_000), 40, 5);
        OutgoingSnapshot lying = new OutgoingSnapshot(good.id(), good.file(), good.size(), good.crc32c() + 1,
                good.icount(), good.nextSequence());
        AtomicReference<Installed> installed = new AtomicReference<>();
        List<Entry> delivered = Collections.synchronizedList(new ArrayList<>());
        SnapshotReceiver store = new SnapshotReceiver(dir.resolve("backup"),
                (offer, file) -> installed.set(new Installed(offer, Files.readAllBytes(file))));
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, delivered::add),
                ConnectionSettings.defaults(), store);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender,
                     ConnectionSettings.defaults(), from -> CompletableFuture.completedFuture(lying))) {
            await(() -> backup.lastCloseReason() != null, "the refusal");
            assertThat(backup.lastCloseReason()).contains("failed its checksum");
            assertThat(installed.get()).isNull();
            assertThat(delivered).isEmpty();
            assertThat(store.received()).isZero();
            try (var files = Files.list(dir.resolve("backup"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aPrimaryThatCannotTakeASnapshotSaysWhy() throws Exception {
        SenderLog sender = senderWithHistory(5, 10);
        SnapshotReceiver store = new SnapshotReceiver(dir, (o, f) -> { });
        try (BackupEndpoint backup = new BackupEndpoint(loopback(), new ReceiverLog(PAIR.backup(), 0, e -> { }),
                ConnectionSettings.defaults(), store);
             PrimaryConnection primary = new PrimaryConnection(backup.address(), PAIR.primary(), sender,
                     ConnectionSettings.defaults(),
                     from -> CompletableFuture.failedFuture(new IllegalStateException("disk full")))) {
            await(() -> !primary.isOpen(), "the close");
            assertThat(primary.closeReason()).contains("no snapshot for the backup").contains("disk full");
        }
    }

    @Test
    void theReceiverAcceptsOnlyChunksInOrderWithinTheOffer() throws Exception {
        List<SnapshotOffer> installed = new ArrayList<>();
        SnapshotReceiver r = new SnapshotReceiver(dir, (o, f) -> installed.add(o));
        assertThatThrownBy(() -> r.offer(new SnapshotOffer("../escape", 10, 0, 0)))
                .hasMessageContaining("not a safe file name");
        SnapshotOffer offer = new SnapshotOffer("s", 10, 7, 3);
        assertThat(r.offer(offer)).isEqualTo(new SnapshotResume("s", 0));
        assertThatThrownBy(() -> r.chunk(chunk("s", 4, new byte[2]))).hasMessageContaining("expected 0");
        assertThatThrownBy(() -> r.chunk(chunk("t", 0, new byte[2]))).hasMessageContaining("during transfer");
        assertThatThrownBy(() -> r.chunk(chunk("s", 0, new byte[11]))).hasMessageContaining("does not fit");
        r.chunk(chunk("s", 0, new byte[] {1, 2, 3, 4}));
        assertThatThrownBy(() -> r.complete(new SnapshotComplete("s", 0))).hasMessageContaining("after 4 of 10");
        // The connection breaks; the same offer resumes at 4, a different one starts over.
        assertThat(r.offer(offer)).isEqualTo(new SnapshotResume("s", 4));
        SnapshotOffer other = new SnapshotOffer("s2", 6, 1, 1);
        assertThat(r.offer(other)).isEqualTo(new SnapshotResume("s2", 0));
        assertThat(Files.exists(dir.resolve("s.partial"))).isFalse();
        byte[] data = {9, 8, 7, 6, 5, 4};
        r.chunk(chunk("s2", 0, data));
        CRC32C crc = new CRC32C();
        crc.update(data);
        Path done = r.complete(new SnapshotComplete("s2", (int) crc.getValue()));
        assertThat(Files.readAllBytes(done)).isEqualTo(data);
        assertThat(installed).containsExactly(other);
    }

    private static SnapshotChunk chunk(String id, long offset, byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return new SnapshotChunk(id, offset, data, (int) crc.getValue());
    }
}
