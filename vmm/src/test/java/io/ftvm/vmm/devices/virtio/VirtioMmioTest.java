package io.ftvm.vmm.devices.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The virtio-mmio transport and its devices driven the way a driver does: registers, feature negotiation, a
 * split queue in "guest memory", and requests; bad programming ends in DEVICE_NEEDS_RESET, never an exception.
 */
class VirtioMmioTest {
    private static final long BASE = 0x8000_0000L;
    private static final long DESC = BASE + 0x1000;
    private static final long AVAIL = BASE + 0x2000;
    private static final long USED = BASE + 0x3000;
    private static final long DATA = BASE + 0x4000;

    @TempDir
    Path dir;

    /** 64 KiB of guest memory at BASE. */
    static final class Memory implements DmaMemory {
        final ByteBuffer mem = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        @Override
        public boolean contains(long address, long length) {
            long off = address - BASE;
            return off >= 0 && length >= 0 && off <= mem.capacity() && length <= mem.capacity() - off;
        }

        @Override
        public boolean read(long address, byte[] into, int offset, int length) {
            if (!contains(address, length)) {
                return false;
            }
            mem.get((int) (address - BASE), into, offset, length);
            return true;
        }

        @Override
        public boolean write(long address, byte[] from, int offset, int length) {
            if (!contains(address, length)) {
                return false;
            }
            mem.put((int) (address - BASE), from, offset, length);
            return true;
        }

        void desc(int i, long addr, int len, int flags, int next) {
            int o = (int) (DESC - BASE) + 16 * i;
            mem.putLong(o, addr).putInt(o + 8, len).putShort(o + 12, (short) flags).putShort(o + 14, (short) next);
        }

        /** Makes descriptor {@code head} available as the next avail entry. */
        void offer(int head) {
            int a = (int) (AVAIL - BASE);
            int idx = mem.getShort(a + 2) & 0xffff;
            mem.putShort(a + 4 + 2 * (idx % 8), (short) head);
            mem.putShort(a + 2, (short) (idx + 1));
        }

        int usedIdx() {
            return mem.getShort((int) (USED - BASE) + 2) & 0xffff;
        }

        int usedLen(int i) {
            return mem.getInt((int) (USED - BASE) + 4 + 8 * i + 4);
        }
    }

    private final Memory memory = new Memory();
    private final AtomicBoolean irq = new AtomicBoolean();

    /** Runs the driver's initialisation: status, features (with VERSION_1), queue 0 of 8 entries, DRIVER_OK. */
    private static void initialise(VirtioMmio t, long features) {
        t.write(0x070, 4, 1);
        t.write(0x070, 4, 3);
        t.write(0x024, 4, 0);
        t.write(0x020, 4, features & 0xffffffffL);
        t.write(0x024, 4, 1);
        t.write(0x020, 4, features >>> 32);
        t.write(0x070, 4, 11);
        t.write(0x030, 4, 0);
        t.write(0x038, 4, 8);
        t.write(0x080, 4, DESC & 0xffffffffL);
        t.write(0x084, 4, DESC >>> 32);
        t.write(0x090, 4, AVAIL & 0xffffffffL);
        t.write(0x094, 4, AVAIL >>> 32);
        t.write(0x0a0, 4, USED & 0xffffffffL);
        t.write(0x0a4, 4, USED >>> 32);
        t.write(0x044, 4, 1);
        t.write(0x070, 4, 15);
    }

    @Test
    void identifiesItselfAndNegotiatesVersion1() {
        VirtioMmio t = new VirtioMmio(new EntropyDevice(memory), irq::set, memory);
        assertThat(t.read(0x000, 4)).isEqualTo(0x74726976L);
        assertThat(t.read(0x004, 4)).isEqualTo(2);
        assertThat(t.read(0x008, 4)).isEqualTo(4);
        t.write(0x014, 4, 1);
        assertThat(t.read(0x010, 4)).as("VIRTIO_F_VERSION_1 in the high word").isEqualTo(1);
        t.write(0x070, 4, 3);
        t.write(0x070, 4, 11); // FEATURES_OK without VERSION_1 accepted by the driver
        assertThat(t.read(0x070, 4) & 8).as("a legacy driver is refused").isZero();
        t.write(0x070, 4, 0);
        initialise(t, 1L << 32);
        assertThat(t.read(0x070, 4)).isEqualTo(15);
        assertThat(t.read(0x034, 4)).isEqualTo(64);
    }

    @Test
    void entropyFillsBuffersReproduciblyFromTheSeed() {
        byte[][] got = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Memory m = new Memory();
            EntropyDevice rng = new EntropyDevice(m);
            rng.setSeed(new byte[32]);
            VirtioMmio t = new VirtioMmio(rng, irq::set, m);
            initialise(t, 1L << 32);
            m.desc(0, DATA, 100, VirtQueue.DESC_F_WRITE, 0);
            m.offer(0);
            t.write(0x050, 4, 0);
            assertThat(m.usedIdx()).isEqualTo(1);
            assertThat(m.usedLen(0)).isEqualTo(100);
            assertThat(irq.get()).isTrue();
            t.write(0x064, 4, 1);
            assertThat(irq.get()).as("acknowledged").isFalse();
            got[run] = new byte[100];
            m.read(DATA, got[run], 0, 100);
        }
        assertThat(got[0]).isEqualTo(got[1]).isNotEqualTo(new byte[100]);
    }

    @Test
    void aDescriptorLoopOrARingOutsideRamNeedsAReset() {
        VirtioMmio t = new VirtioMmio(new EntropyDevice(memory), irq::set, memory);
        initialise(t, 1L << 32);
        memory.desc(0, DATA, 16, VirtQueue.DESC_F_WRITE | VirtQueue.DESC_F_NEXT, 1);
        memory.desc(1, DATA, 16, VirtQueue.DESC_F_WRITE | VirtQueue.DESC_F_NEXT, 0);
        memory.offer(0);
        t.write(0x050, 4, 0);
        assertThat(t.read(0x070, 4) & 64).as("DEVICE_NEEDS_RESET").isEqualTo(64);
        assertThat(t.read(0x060, 4) & 2).as("configuration-change interrupt").isEqualTo(2);
        assertThat(t.lastError()).contains("longer than the queue");

        t.write(0x070, 4, 0);
        assertThat(t.read(0x070, 4)).as("reset clears it").isZero();
        t.write(0x070, 4, 3);
        t.write(0x030, 4, 0);
        t.write(0x038, 4, 8);
        t.write(0x080, 4, 0x1000); // descriptors at 0x1000: not RAM
        t.write(0x044, 4, 1);
        assertThat(t.read(0x044, 4)).isZero();
        assertThat(t.lastError()).contains("outside RAM");

        t.write(0x070, 4, 0);
        memory.mem.putShort((int) (AVAIL - BASE) + 2, (short) 0); // a driver starts with fresh rings
        initialise(t, 1L << 32);
        memory.desc(2, 0x10, 16, VirtQueue.DESC_F_WRITE, 0); // a buffer outside RAM
        memory.offer(2);
        t.write(0x050, 4, 0);
        assertThat(t.lastError()).contains("buffer [0x10");
    }

    private DiskImage disk(boolean ro) throws Exception {
        Path p = dir.resolve("disk.img");
        if (!Files.exists(p)) {
            byte[] content = new byte[64 * 512];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) (i / 512);
            }
            Files.write(p, content);
        }
        return DiskImage.open(p, ro);
    }

    /** Puts a request (header at DATA, data at DATA+0x100, status at DATA+0x80) on the queue and notifies. */
    private void request(VirtioMmio t, int type, long sector, int length, boolean dataWritable) {
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putLong(sector);
        memory.write(DATA, h.array(), 0, 16);
        memory.desc(0, DATA, 16, VirtQueue.DESC_F_NEXT, 1);
        if (length > 0) {
            memory.desc(1, DATA + 0x100, length, VirtQueue.DESC_F_NEXT | (dataWritable ? VirtQueue.DESC_F_WRITE : 0), 2);
            memory.desc(2, DATA + 0x80, 1, VirtQueue.DESC_F_WRITE, 0);
        } else {
            memory.desc(1, DATA + 0x80, 1, VirtQueue.DESC_F_WRITE, 0);
        }
        memory.mem.put((int) (DATA + 0x80 - BASE), (byte) 0x55);
        memory.offer(0);
        t.write(0x050, 4, 0);
    }

    private int status() {
        return memory.mem.get((int) (DATA + 0x80 - BASE));
    }

    @Test
    void blockReadsWritesFlushesAndNamesItself() throws Exception {
        try (DiskImage d = disk(false)) {
            BlockDevice blk = new BlockDevice(d, memory, "ftvm-disk0");
            VirtioMmio t = new VirtioMmio(blk, irq::set, memory);
            assertThat(t.read(0x100, 4)).as("capacity in sectors").isEqualTo(64);
            initialise(t, (1L << 32) | BlockDevice.F_FLUSH);
            request(t, BlockDevice.T_IN, 3, 1024, true);
            assertThat(status()).isEqualTo(BlockDevice.S_OK);
            assertThat(memory.mem.get((int) (DATA + 0x100 - BASE))).isEqualTo((byte) 3);
            assertThat(memory.mem.get((int) (DATA + 0x100 + 600 - BASE))).isEqualTo((byte) 4);
            assertThat(memory.usedLen(0)).isEqualTo(1025);

            long before = d.contentHash();
            memory.write(DATA + 0x100, new byte[512], 0, 512);
            request(t, BlockDevice.T_OUT, 5, 512, false);
            assertThat(status()).isEqualTo(BlockDevice.S_OK);
            assertThat(d.contentHash()).as("the digest follows writes").isNotEqualTo(before);
            assertThat(Files.readAllBytes(d.path())[5 * 512]).isZero();

            request(t, BlockDevice.T_IN, 63, 1024, true);
            assertThat(status()).as("beyond the end").isEqualTo(BlockDevice.S_IOERR);
            request(t, BlockDevice.T_FLUSH, 0, 0, false);
            assertThat(status()).isEqualTo(BlockDevice.S_OK);
            request(t, 99, 0, 0, false);
            assertThat(status()).isEqualTo(BlockDevice.S_UNSUPP);
            request(t, BlockDevice.T_GET_ID, 0, 20, true);
            byte[] id = new byte[10];
            memory.read(DATA + 0x100, id, 0, 10);
            assertThat(new String(id, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftvm-disk0");
            assertThat(t.read(0x070, 4) & 64).isZero();
        }
    }

    @Test
    void aReadOnlyDiskRefusesWritesAndStaysUnchanged() throws Exception {
        disk(false).close();
        byte[] original = Files.readAllBytes(dir.resolve("disk.img"));
        try (DiskImage d = disk(true)) {
            VirtioMmio t = new VirtioMmio(new BlockDevice(d, memory, "ro"), irq::set, memory);
            assertThat(t.read(0x010, 4) & BlockDevice.F_RO).isEqualTo(BlockDevice.F_RO);
            initialise(t, 1L << 32);
            request(t, BlockDevice.T_OUT, 0, 512, false);
            assertThat(status()).isEqualTo(BlockDevice.S_IOERR);
        }
        assertThat(Files.readAllBytes(dir.resolve("disk.img"))).isEqualTo(original);
    }

    @Test
    void badImagesAreNamed() throws Exception {
        assertThatThrownBy(() -> DiskImage.open(dir.resolve("missing.img"), false))
                .isInstanceOf(DiskException.class).hasMessageContaining("no such disk image");
        Files.write(dir.resolve("odd.img"), new byte[1000]);
        assertThatThrownBy(() -> DiskImage.open(dir.resolve("odd.img"), false))
                .hasMessageContaining("whole number of 512-byte sectors");
        assertThatThrownBy(() -> DiskImage.open(dir, false)).hasMessageContaining("is a directory");
    }
}
