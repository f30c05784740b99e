package io.ftvm.vmm.debug;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.cpu.Privilege;
import io.ftvm.vmm.memory.Ram;

/**
 * The debugger's view of guest memory: addresses are virtual, as the hart sees them at its current privilege (Sv39
 * through {@code satp} below machine mode, physical in machine mode or with translation off), read without any side
 * effect: the page-table walk sets no accessed or dirty bit and fills no TLB, and only RAM is read (a device
 * register's read can change the device, so MMIO is refused).
 */
final class GuestMemory {
    private static final long PTE_V = 1;
    private static final long PTE_R = 2;
    private static final long PTE_X = 8;
    private static final long PPN_MASK = (1L << 44) - 1;

    private final Machine machine;

    GuestMemory(Machine machine) {
        this.machine = machine;
    }

    /**
     * Copies {@code length} bytes at virtual address {@code va} into {@code into}; returns how many could be read
     * (fewer when a page is unmapped or not RAM).
     */
    int read(long va, byte[] into, int length) {
        Ram ram = machine.ram();
        int done = 0;
        while (done < length) {
            long a = va + done;
            long pa = translate(a);
            int inPage = (int) Math.min(length - done, Ram.PAGE_SIZE - (a & (Ram.PAGE_SIZE - 1)));
            if (pa < 0 || !ram.contains(pa, inPage)) {
                return done;
            }
            System.arraycopy(ram.array(), (int) (pa - ram.base()), into, done, inPage);
            done += inPage;
        }
        return done;
    }

    /** Reads {@code size} (1, 2, 4 or 8) bytes little-endian at {@code va}, or returns null when it cannot. */
    Long readValue(long va, int size) {
        byte[] b = new byte[size];
        if (read(va, b, size) != size) {
            return null;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** The physical address the hart would reach at {@code va} now, or -1 when it is not mapped. */
    long translate(long va) {
        long satp = machine.cpu().csrs().peek(Csr.SATP);
        if (machine.cpu().privilege() == Privilege.MACHINE || (satp >>> 60) != 8) {
            return va;
        }
        if (((va << 25) >> 25) != va) {
            return -1;
        }
        Ram ram = machine.ram();
        long table = (satp & PPN_MASK) << 12;
        for (int level = 2; level >= 0; level--) {
            long pteAddr = table + ((va >>> (12 + 9 * level)) & 0x1ff) * 8;
            if (!ram.contains(pteAddr, 8)) {
                return -1;
            }
            long pte = ram.read64((int) (pteAddr - ram.base()));
            if ((pte & PTE_V) == 0) {
                return -1;
            }
            long ppn = (pte >>> 10) & PPN_MASK;
            if ((pte & (PTE_R | PTE_X)) == 0) {
                table = ppn << 12;
                continue;
            }
            long levelMask = (1L << (9 * level)) - 1;
            return ((ppn | ((va >>> 12) & levelMask)) << 12) | (va & 0xfff);
        }
        return -1;
    }
}
