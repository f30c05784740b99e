package io.ftvm.vmm.board;

/**
 * What boots a Linux kernel: the kernel {@code Image}, an optional initrd, the command line, and the firmware (the
 * VMM's builtin SBI when {@code firmware} is null, or an M-mode firmware image such as OpenSBI's
 * {@code fw_dynamic.bin}).
 */
public record LinuxBoot(KernelImage kernel, byte[] initrd, String commandLine, byte[] firmware) {
    public LinuxBoot {
        if (kernel == null || commandLine == null) {
            throw new IllegalArgumentException("a Linux boot needs a kernel and a command line (may be empty)");
        }
        initrd = initrd == null ? null : initrd.clone();
        firmware = firmware == null ? null : firmware.clone();
    }

    @Override
    public byte[] initrd() {
        return initrd == null ? null : initrd.clone();
    }

    @Override
    public byte[] firmware() {
        return firmware == null ? null : firmware.clone();
    }

    /** The machine firmware this boot needs: builtin SBI unless the boot brings its own firmware image. */
    public MachineConfig.Firmware machineFirmware() {
        return firmware == null ? MachineConfig.Firmware.BUILTIN_SBI : MachineConfig.Firmware.NONE;
    }

    int initrdLength() {
        return initrd == null ? 0 : initrd.length;
    }

    int firmwareLength() {
        return firmware == null ? 0 : firmware.length;
    }
}
