package io.ftvm.vmm.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.VirtioSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VM description is read strictly; every way it can be wrong is named with its key. */
class VmSpecLoaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.write(dir.resolve("Image"), new byte[64]);
        Files.write(dir.resolve("initrd"), new byte[16]);
        Files.write(dir.resolve("disk.img"), new byte[512]);
    }

    private VmSpec load(String yaml) throws Exception {
        Path f = Files.writeString(dir.resolve("web1.yaml"), yaml);
        return new VmSpecLoader().load(f);
    }

    @Test
    void readsAFullDescription() throws Exception {
        VmSpec s = load("""
                ram: 256M
                kernel: Image
                initrd: initrd
                cmdline: console=ttyS0 quiet
                disks:
                  - file: disk.img
                    readOnly: true
                nics:
                  - mac: 52:54:00:aa:bb:cc
                    backend: none
                """);
        assertThat(s.name()).isEqualTo("web1");
        assertThat(s.ramBytes()).isEqualTo(256L << 20);
        assertThat(s.kernel()).isEqualTo(dir.resolve("Image").toAbsolutePath());
        assertThat(s.cmdline()).isEqualTo("console=ttyS0 quiet");
        assertThat(s.disks()).containsExactly(new VmSpec.Disk(dir.resolve("disk.img").toAbsolutePath(), true));
        assertThat(s.nics().get(0).mac()).isEqualTo(0x525400aabbccL);
        assertThat(s.entropy()).isTrue();
        MachineConfig c = VmSpecLoader.machineConfig(s);
        assertThat(c.firmware()).isEqualTo(MachineConfig.Firmware.BUILTIN_SBI);
        assertThat(c.virtio()).containsExactly(VirtioSpec.disk(true), VirtioSpec.entropy(),
                VirtioSpec.nic(0x525400aabbccL, false));
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> load("kernel: Image\nramm: 1G\n")).isInstanceOf(VmSpecException.class)
                .hasMessageContaining("ramm: unknown key");
        assertThatThrownBy(() -> load("ram: 1G\n")).hasMessageContaining("kernel: missing");
        assertThatThrownBy(() -> load("kernel: nope\n")).hasMessageContaining("kernel: ").hasMessageContaining(
                "does not exist");
        assertThatThrownBy(() -> load("kernel: Image\nram: 3T\n")).hasMessageContaining("ram: ");
        assertThatThrownBy(() -> load("kernel: Image\nram: 8G\n")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> load("kernel: Image\nentropy: yes please\n")).hasMessageContaining(
                "entropy: expected true or false");
        assertThatThrownBy(() -> load("kernel: Image\nnics:\n  - mac: 01:00:5e:00:00:01\n"))
                .hasMessageContaining("nics[0].mac: ").hasMessageContaining("unicast");
        assertThatThrownBy(() -> load("kernel: Image\nnics:\n  - mac: zz\n")).hasMessageContaining("nics[0].mac");
        assertThatThrownBy(() -> load("kernel: Image\nnics:\n  - backend: tap0\n"))
                .hasMessageContaining("nics[0].backend");
        assertThatThrownBy(() -> load("kernel: Image\ndisks:\n  - readOnly: true\n"))
                .hasMessageContaining("disks[0].file: missing");
        assertThatThrownBy(() -> load("kernel: Image\ndisks:\n  - file: disk.img\n    size: 3\n"))
                .hasMessageContaining("disks[0].size: unknown key");
        assertThatThrownBy(() -> load("kernel: [1, 2]\n")).hasMessageContaining("kernel: expected text");
        assertThatThrownBy(() -> load("kernel: Image\nkernel: Image\n")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> load("- just\n- a list\n")).hasMessageContaining("a YAML mapping");
        assertThatThrownBy(() -> load("kernel: Image\nname: 'bad name!'\n")).hasMessageContaining("name 'bad name!'");
    }

    @Test
    void aHostLoaderResolvesNamesItsOwnWayAndOffersABridge() throws Exception {
        VmSpecLoader hosts = new VmSpecLoader(java.util.Set.of("none", "bridge"));
        VmSpecLoader.FileResolver inImages = (key, value) -> {
            if (value.startsWith("/")) {
                throw new VmSpecException(key + ": absolute");
            }
            return dir.resolve(value);
        };
        VmSpec s = hosts.parse("spec", "kernel: Image\nnics:\n  - backend: bridge\n", inImages, "vm1");
        assertThat(s.nics().get(0).backend()).isEqualTo("bridge");
        assertThat(VmSpecLoader.machineConfig(s).virtio()).contains(VirtioSpec.nic(s.nics().get(0).mac(), true));
        assertThatThrownBy(() -> hosts.parse("spec", "kernel: /etc/passwd\n", inImages, "vm1"))
                .hasMessageContaining("kernel: absolute");
        assertThatThrownBy(() -> load("kernel: Image\nnics:\n  - backend: bridge\n"))
                .hasMessageContaining("nics[0].backend: 'bridge' is not a backend this tool offers");
    }
}
