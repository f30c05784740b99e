package io.ftvm.vmm.devices.finisher;

import io.ftvm.vmm.memory.MmioDevice;

/**
 * The SiFive test finisher ("sifive,test0") QEMU's virt machine has at 0x10_0000: writing 0x5555 powers off with
 * status 0 (pass), {@code (code << 16) | 0x3333} powers off with {@code code} (fail), 0x7777 requests a reset.
 * Writes of 16 bits or more count, as on QEMU; a 16-bit write carries no code.
 */
public final class TestFinisher implements MmioDevice {
    public static final long SIZE = 0x1000;
    private static final int PASS = 0x5555;
    private static final int FAIL = 0x3333;
    private static final int RESET = 0x7777;

    /** What the finisher asks of the machine. */
    public interface PowerControl {
        void powerOff(int exitCode);

        void reset();
    }

    private final PowerControl power;

    public TestFinisher(PowerControl power) {
        this.power = power;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset != 0 || size < 2) { // QEMU takes 16- and 32-bit writes (OpenSBI writes 16 bits)
            return;
        }
        int status = (int) value & 0xffff;
        int code = (int) (value >>> 16) & 0xffff;
        switch (status) {
            case PASS: power.powerOff(0); break;
            case FAIL: power.powerOff(code); break;
            case RESET: power.reset(); break;
            default: break;
        }
    }
}
