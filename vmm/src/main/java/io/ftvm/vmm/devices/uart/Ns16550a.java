package io.ftvm.vmm.devices.uart;

import io.ftvm.vmm.devices.InterruptLine;
import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.MmioDevice;

/**
 * An NS16550A UART with register shift 0, as on QEMU's virt machine. Transmission is instantaneous (THR is always
 * empty) and hands each byte to the {@link Transmitter}; received bytes are queued in a 16-byte FIFO by
 * {@link #receive(int)} and read from RBR. Baud rate, line control and modem registers are stored and read back
 * but have no effect.
 */
public final class Ns16550a implements MmioDevice {
    public static final long SIZE = 0x100;
    private static final int FIFO_SIZE = 16;

    private static final int IER_RX = 0x01;
    private static final int IER_THRE = 0x02;
    private static final int LSR_DR = 0x01;
    private static final int LSR_OE = 0x02;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;
    private static final int LCR_DLAB = 0x80;

    /** Where transmitted bytes go. */
    @FunctionalInterface
    public interface Transmitter {
        void transmit(int b);
    }

    private final Transmitter transmitter;
    private final InterruptLine irq;
    private final byte[] rx = new byte[FIFO_SIZE];
    private int rxHead;
    private int rxCount;
    private boolean overrun;
    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int fcr;
    private int dll = 0x0c;
    private int dlm;
    private boolean thrInterruptPending;

    public Ns16550a(Transmitter transmitter, InterruptLine irq) {
        this.transmitter = transmitter;
        this.irq = irq;
    }

    /** Queues a received byte; returns false (and flags an overrun) when the FIFO is full. */
    public boolean receive(int b) {
        if (rxCount == FIFO_SIZE) {
            overrun = true;
            return false;
        }
        rx[(rxHead + rxCount) % FIFO_SIZE] = (byte) b;
        rxCount++;
        updateIrq();
        return true;
    }

    /** Adds the UART's registers and receive FIFO to a state digest. */
    public void hashState(Hasher h) {
        h.put(rxCount).put(overrun).put(ier).put(lcr).put(mcr).put(scr).put(fcr).put(dll).put(dlm)
                .put(thrInterruptPending);
        for (int i = 0; i < rxCount; i++) {
            h.put(rx[(rxHead + i) % FIFO_SIZE]);
        }
    }

    /** The device's state, for snapshots. */
    public UartState state() {
        byte[] fifo = new byte[rxCount];
        for (int i = 0; i < rxCount; i++) {
            fifo[i] = rx[(rxHead + i) % FIFO_SIZE];
        }
        return new UartState(fifo, overrun, ier, lcr, mcr, scr, fcr, dll, dlm, thrInterruptPending);
    }

    /** Restores a snapshot's state. */
    public void restore(UartState s) {
        byte[] fifo = s.rx();
        if (fifo.length > FIFO_SIZE) {
            throw new IllegalArgumentException("UART FIFO of " + fifo.length + " bytes exceeds " + FIFO_SIZE);
        }
        System.arraycopy(fifo, 0, rx, 0, fifo.length);
        rxHead = 0;
        rxCount = fifo.length;
        overrun = s.overrun();
        ier = s.ier();
        lcr = s.lcr();
        mcr = s.mcr();
        scr = s.scr();
        fcr = s.fcr();
        dll = s.dll();
        dlm = s.dlm();
        thrInterruptPending = s.thrInterruptPending();
        updateIrq();
    }

    /**
     * Takes the oldest received byte as the guest reading the receive register would (for firmware consoles that
     * read input without the UART's registers), or returns -1 when the FIFO is empty.
     */
    public int takeReceived() {
        if (rxCount == 0) {
            return -1;
        }
        int b = rx[rxHead] & 0xff;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        updateIrq();
        return b;
    }

    /** Free space in the receive FIFO. */
    public int receiveSpace() {
        return FIFO_SIZE - rxCount;
    }

    @Override
    public long read(long offset, int size) {
        switch ((int) offset) {
            case 0:
                if ((lcr & LCR_DLAB) != 0) {
                    return dll;
                }
                return readRbr();
            case 1: return (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case 2: return readIir();
            case 3: return lcr;
            case 4: return mcr;
            case 5: {
                int lsr = LSR_THRE | LSR_TEMT | (rxCount > 0 ? LSR_DR : 0) | (overrun ? LSR_OE : 0);
                overrun = false;
                return lsr;
            }
            case 6: return 0xb0; // DCD, DSR, CTS asserted
            case 7: return scr;
            default: return 0;
        }
    }

    private int readRbr() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rx[rxHead] & 0xff;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        updateIrq();
        return b;
    }

    private int readIir() {
        int fifo = (fcr & 1) != 0 ? 0xc0 : 0;
        if ((ier & IER_RX) != 0 && rxCount > 0) {
            return fifo | 0x04;
        }
        if ((ier & IER_THRE) != 0 && thrInterruptPending) {
            thrInterruptPending = false;
            updateIrq();
            return fifo | 0x02;
        }
        return fifo | 0x01;
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value & 0xff;
        switch ((int) offset) {
            case 0:
                if ((lcr & LCR_DLAB) != 0) {
                    dll = v;
                } else {
                    transmitter.transmit(v);
                    thrInterruptPending = true;
                    updateIrq();
                }
                break;
            case 1:
                if ((lcr & LCR_DLAB) != 0) {
                    dlm = v;
                } else {
                    if ((v & IER_THRE) != 0 && (ier & IER_THRE) == 0) {
                        thrInterruptPending = true;
                    }
                    ier = v & 0x0f;
                    updateIrq();
                }
                break;
            case 2:
                fcr = v & 0xc9;
                if ((v & 0x02) != 0) {
                    rxCount = 0;
                }
                updateIrq();
                break;
            case 3: lcr = v; break;
            case 4: mcr = v & 0x1f; break;
            case 7: scr = v; break;
            default: break;
        }
    }

    private void updateIrq() {
        boolean level = ((ier & IER_RX) != 0 && rxCount > 0) || ((ier & IER_THRE) != 0 && thrInterruptPending);
        irq.set(level);
    }
}
