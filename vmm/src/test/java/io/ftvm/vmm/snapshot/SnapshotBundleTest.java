package io.ftvm.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.vmm.board.Attachments;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.OutputSink;
import io.ftvm.vmm.board.VirtioSpec;
import io.ftvm.vmm.devices.virtio.DiskImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotBundleTest {
    @TempDir
    Path dir;

    private Machine machineWithDisks(DiskImage rw, DiskImage ro) {
        MachineConfig c = MachineConfig.defaults().withRam(4 << 20)
                .withVirtio(List.of(VirtioSpec.disk(false), VirtioSpec.disk(true)));
        Machine m = new Machine(c, OutputSink.DISCARD, new Attachments(List.of(rw, ro)));
        m.ram().write64(4096, 0x1122334455667788L);
        return m;
    }

    private DiskImage disk(String name, int sectors, long seed, boolean ro) throws Exception {
        byte[] b = new byte[sectors * 512];
        new Random(seed).nextBytes(b);
        return DiskImage.open(Files.write(dir.resolve(name), b), ro);
    }

    @Test
    void carriesTheDisksAndRestoresTheSameMachine() throws Exception {
        DiskImage rw = disk("a.img", 2048, 1, false);
        DiskImage ro = disk("b.img", 9, 2, true);
        Machine m = machineWithDisks(rw, ro);
        Path bundle = dir.resolve("vm.bundle");
        SnapshotBundle.write(m, bundle);
        assertThat(SnapshotBundle.isBundle(bundle)).isTrue();

        SnapshotBundle.Split split = SnapshotBundle.split(bundle, dir.resolve("vm.snap"), dir.resolve("copy"));
        assertThat(SnapshotBundle.isBundle(split.snapshot())).isFalse();
        assertThat(split.disks()).hasSize(2);
        assertThat(Files.mismatch(split.disks().get(0).path(), rw.path())).isEqualTo(-1);
        assertThat(Files.mismatch(split.disks().get(1).path(), ro.path())).isEqualTo(-1);
        assertThat(split.disks().get(1).readOnly()).isTrue();
        Machine restored;
        try (InputStream in = Files.newInputStream(split.snapshot())) {
            restored = SnapshotFile.read(in, OutputSink.DISCARD, new Attachments(split.disks()));
        }
        assertThat(restored.digest()).isEqualTo(m.digest());
        for (DiskImage d : split.disks()) {
            d.close();
        }
        rw.close();
        ro.close();
    }

    @Test
    void refusesADamagedOrTruncatedBundle() throws Exception {
        DiskImage rw = disk("a.img", 64, 3, false);
        DiskImage ro = disk("b.img", 8, 4, true);
        Path bundle = dir.resolve("vm.bundle");
        SnapshotBundle.write(machineWithDisks(rw, ro), bundle);
        byte[] whole = Files.readAllBytes(bundle);

        byte[] flipped = whole.clone();
        flipped[11 + 2 * 17 + 100] ^= 1; // a byte of disk 0
        Path damaged = Files.write(dir.resolve("damaged.bundle"), flipped);
        assertThatThrownBy(() -> SnapshotBundle.split(damaged, dir.resolve("s1"), dir.resolve("d1")))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("disk 0's copy does not have the content "
                        + "hash");

        Path cut = Files.write(dir.resolve("cut.bundle"), java.util.Arrays.copyOf(whole, 11 + 2 * 17 + 4000));
        assertThatThrownBy(() -> SnapshotBundle.split(cut, dir.resolve("s2"), dir.resolve("d2")))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("truncated snapshot bundle");

        Path plain = dir.resolve("plain.snap");
        try (var out = Files.newOutputStream(plain)) {
            SnapshotFile.write(new Machine(MachineConfig.defaults().withRam(1 << 20), OutputSink.DISCARD), out);
        }
        assertThat(SnapshotBundle.isBundle(plain)).isFalse();
        assertThatThrownBy(() -> SnapshotBundle.split(plain, dir.resolve("s3"), dir.resolve("d3")))
                .hasMessageContaining("not a snapshot bundle");
        rw.close();
        ro.close();
    }
}
