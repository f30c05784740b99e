package io.ftvm.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated device tree, decompiled by Debian's {@code dtc} (without a warning): it names exactly the machine's
 * devices at their addresses with their interrupts, the hart with its ISA string and Sv39, the RAM size asked for,
 * the command line, and no random seed. {@code ftvm dumpdtb} writes the same blob.
 */
class DeviceTreeIT {
    @TempDir
    Path dir;

    private String decompile(byte[] dtb) throws Exception {
        Path file = Files.write(dir.resolve("ftvm.dtb"), dtb);
        Process p;
        try {
            p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", file.toString()).start();
        } catch (java.io.IOException e) {
            Assertions.fail("dtc is not installed (Debian: apt-get install device-tree-compiler)");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("dtc: %s", err).isZero();
        assertThat(err).as("dtc warnings").isEmpty();
        return out;
    }

    @Test
    void dtcReadsExactlyTheMachinesDevices() throws Exception {
        String dts = decompile(DeviceTree.generate(MachineConfig.defaults().withRam(512L << 20),
                "console=ttyS0 root=/dev/vda rw", new DeviceTree.Initrd(0x8800_0000L, 0x8840_0000L)));
        Matcher nodes = Pattern.compile("(?m)^\\s*([a-z][\\w,-]*(?:@[0-9a-f]+)?) \\{").matcher(dts);
        java.util.List<String> names = new java.util.ArrayList<>();
        while (nodes.find()) {
            names.add(nodes.group(1));
        }
        assertThat(names).containsExactly("chosen", "poweroff", "reboot", "memory@80000000", "cpus", "cpu@0",
                "interrupt-controller", "soc", "rtc@101000", "serial@10000000", "test@100000", "plic@c000000",
                "clint@2000000");
        assertThat(dts).contains("riscv,isa = \"rv64imafdc_zicsr_zifencei\";")
                .contains("mmu-type = \"riscv,sv39\";")
                .contains("reg = <0x00 0x80000000 0x00 0x20000000>;")
                .contains("bootargs = \"console=ttyS0 root=/dev/vda rw\";")
                .contains("linux,initrd-start = <0x00 0x88000000>;")
                .contains("stdout-path = \"/soc/serial@10000000\";")
                .contains("timebase-frequency = <0x989680>;")
                .contains("interrupts = <0x0a>;")
                .contains("compatible = \"sifive,plic-1.0.0\\0riscv,plic0\";")
                .doesNotContain("rng-seed");
    }

    @Test
    void eachVirtioDeviceHasItsTransportNodeAndInterrupt() throws Exception {
        String dts = decompile(DeviceTree.generate(MachineConfig.defaults().withVirtio(List.of(VirtioSpec.disk(false),
                VirtioSpec.entropy(), VirtioSpec.nic(0x525400123456L, true))), "", DeviceTree.Initrd.NONE));
        assertThat(dts).contains("virtio_mmio@10001000 {").contains("virtio_mmio@10002000 {")
                .contains("virtio_mmio@10003000 {").doesNotContain("virtio_mmio@10004000")
                .contains("reg = <0x00 0x10003000 0x00 0x1000>;").contains("interrupts = <0x03>;")
                .contains("compatible = \"virtio,mmio\";");
        assertThat(decompile(DeviceTree.generate(MachineConfig.defaults(), "", DeviceTree.Initrd.NONE)))
                .as("no devices, no transports").doesNotContain("virtio_mmio").doesNotContain("virtio,mmio");
    }

    @Test
    void dumpdtbWritesTheBlobAndRefusesAnOverlongCommandLine() throws Exception {
        Path out = dir.resolve("dumped.dtb");
        assertThat(io.ftvm.vmm.tool.Ftvm.execute("dumpdtb", "--ram", "256M", "--append", "quiet", out.toString()))
                .isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(DeviceTree.generate(MachineConfig.defaults()
                .withRam(256L << 20), "quiet", DeviceTree.Initrd.NONE));
        assertThat(decompile(Files.readAllBytes(out))).contains("bootargs = \"quiet\";");
        assertThat(io.ftvm.vmm.tool.Ftvm.execute("dumpdtb", "--append", "x".repeat(2000), out.toString()))
                .isEqualTo(2);
        assertThatThrownBy(() -> DeviceTree.generate(MachineConfig.defaults(), "a\0b", DeviceTree.Initrd.NONE))
                .hasMessageContaining("NUL");
        assertThat(List.of(io.ftvm.vmm.tool.Ftvm.execute("dumpdtb", dir.resolve("no/such/dir/x.dtb").toString())))
                .containsExactly(6);
    }
}
