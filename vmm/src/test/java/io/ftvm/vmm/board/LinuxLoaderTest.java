package io.ftvm.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.cpu.Privilege;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Kernel, initrd, device tree and firmware go where QEMU's virt puts them, or nothing is loaded. */
class LinuxLoaderTest {
    private static final long MIB = 1L << 20;

    private static Machine machine(long ram, MachineConfig.Firmware firmware) {
        return new Machine(MachineConfig.defaults().withRam(ram).withFirmware(firmware), OutputSink.DISCARD);
    }

    private static KernelImage kernel(long imageSize) throws InvalidImageException {
        return KernelImage.parse("Image", KernelImageTest.image(8192, 0x200000, imageSize));
    }

    @Test
    void builtinFirmwareStartsTheKernelInSupervisorMode() throws Exception {
        Machine m = machine(128 * MIB, MachineConfig.Firmware.BUILTIN_SBI);
        byte[] initrd = new byte[3 * 4096 + 5];
        Arrays.fill(initrd, (byte) 0x7e);
        LinuxLoader.Layout l = LinuxLoader.load(m, new LinuxBoot(kernel(4 * MIB), initrd, "console=ttyS0", null));
        assertThat(l.kernel()).isEqualTo(0x8020_0000L);
        assertThat(l.initrdStart()).as("half of a 128 MiB RAM after the kernel").isEqualTo(0x8020_0000L + 64 * MIB);
        assertThat(l.initrdEnd() - l.initrdStart()).isEqualTo(initrd.length);
        assertThat(l.deviceTree()).as("2 MiB-aligned, at the end of RAM").isEqualTo(0x8000_0000L + 126 * MIB);
        assertThat(m.cpu().pc()).isEqualTo(l.kernel());
        assertThat(m.cpu().privilege()).isEqualTo(Privilege.SUPERVISOR);
        assertThat(m.cpu().register(11)).isEqualTo(l.deviceTree());
        assertThat(m.cpu().csrs().peek(Csr.MIDELEG)).isEqualTo(Csr.S_INTERRUPTS);
        assertThat(m.cpu().csrs().peek(Csr.SCOUNTEREN)).as("rdtime in user mode, as OpenSBI allows").isEqualTo(7);
        int dt = (int) (l.deviceTree() - m.ram().base());
        assertThat(m.ram().read(dt, 4)).as("FDT magic (big-endian d00dfeed)").isEqualTo(0xedfe0dd0L);
        assertThat(m.ram().read((int) (l.initrdStart() - m.ram().base()), 1)).isEqualTo(0x7e);
    }

    @Test
    void firmwareImageRunsInMachineModeWithTheFwDynamicHandshake() throws Exception {
        Machine m = machine(64 * MIB, MachineConfig.Firmware.NONE);
        LinuxLoader.Layout l = LinuxLoader.load(m, new LinuxBoot(kernel(4 * MIB), null, "", new byte[200_000]));
        assertThat(l.kernel()).isEqualTo(0x8020_0000L);
        assertThat(m.cpu().pc()).isEqualTo(0x8000_0000L);
        assertThat(m.cpu().privilege()).isEqualTo(Privilege.MACHINE);
        assertThat(m.cpu().register(12)).isEqualTo(l.firmwareInfo());
        int info = (int) (l.firmwareInfo() - m.ram().base());
        assertThat(m.ram().read(info, 8)).as("magic OSBI").isEqualTo(0x4942534fL);
        assertThat(m.ram().read(info + 8, 8)).as("version").isEqualTo(2);
        assertThat(m.ram().read(info + 16, 8)).as("next address").isEqualTo(l.kernel());
        assertThat(m.ram().read(info + 24, 8)).as("next mode S").isEqualTo(1);
        assertThat(l.firmwareInfo()).isLessThan(l.deviceTree());
    }

    @Test
    void whatDoesNotFitIsRefusedAndNothingIsLoaded() throws Exception {
        Machine m = machine(4 * MIB, MachineConfig.Firmware.BUILTIN_SBI);
        assertThatThrownBy(() -> LinuxLoader.load(m, new LinuxBoot(kernel(3 * MIB), null, "", null)))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("raise --ram");
        Machine m2 = machine(8 * MIB, MachineConfig.Firmware.BUILTIN_SBI);
        assertThatThrownBy(() -> LinuxLoader.load(m2, new LinuxBoot(kernel(2 * MIB), new byte[4 * (int) MIB], "",
                null))).hasMessageContaining("the initrd (4194304 bytes) does not fit");
        assertThatThrownBy(() -> LinuxLoader.load(m2, new LinuxBoot(kernel(MIB), null, "x".repeat(2000), null)))
                .hasMessageContaining("2000 characters");
        byte[] mem = m2.ram().array();
        for (byte b : mem) {
            assertThat(b).isZero();
        }
        assertThat(m2.cpu().privilege()).isEqualTo(Privilege.MACHINE);
    }
}
