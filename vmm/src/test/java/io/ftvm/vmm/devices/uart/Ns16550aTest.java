package io.ftvm.vmm.devices.uart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NS16550A register interface (register shift 0): THR/RBR, LSR, 16-byte RX FIFO with overrun, DLAB. */
class Ns16550aTest {
    private static final int RBR = 0, IER = 1, IIR_FCR = 2, LCR = 3, LSR = 5, SCR = 7;
    private final List<Integer> sent = new ArrayList<>();
    private final List<Boolean> irq = new ArrayList<>();
    private final Ns16550a uart = new Ns16550a(sent::add, irq::add);

    @Test
    void thrWriteTransmitsTheLowByte() {
        uart.write(RBR, 1, 'H');
        uart.write(RBR, 1, 0x169);
        assertThat(sent).containsExactly((int) 'H', 0x69);
    }

    @Test
    void lsrReportsTransmitterEmptyAndDataReady() {
        assertThat(uart.read(LSR, 1)).isEqualTo(0x60);
        uart.receive('x');
        assertThat(uart.read(LSR, 1)).isEqualTo(0x61);
        assertThat(uart.read(RBR, 1)).isEqualTo('x');
        assertThat(uart.read(LSR, 1)).isEqualTo(0x60);
    }

    @Test
    void rxFifoHoldsSixteenBytesInOrder() {
        for (int i = 0; i < 16; i++) {
            assertThat(uart.receive('a' + i)).isTrue();
        }
        assertThat(uart.receiveSpace()).isZero();
        for (int i = 0; i < 16; i++) {
            assertThat(uart.read(RBR, 1)).isEqualTo('a' + i);
        }
        assertThat(uart.read(LSR, 1) & 1).isZero();
        assertThat(uart.receiveSpace()).isEqualTo(16);
    }

    @Test
    void seventeenthByteOverrunsAndOverrunClearsOnLsrRead() {
        for (int i = 0; i < 16; i++) {
            uart.receive(i);
        }
        assertThat(uart.receive(99)).isFalse();
        assertThat(uart.read(LSR, 1) & 0x03).isEqualTo(0x03);
        assertThat(uart.read(LSR, 1) & 0x02).as("OE cleared by reading LSR").isZero();
        for (int i = 0; i < 16; i++) {
            assertThat(uart.read(RBR, 1)).as("the overrunning byte was dropped").isEqualTo(i);
        }
    }

    @Test
    void emptyRbrReadsZero() {
        assertThat(uart.read(RBR, 1)).isZero();
    }

    @Test
    void dlabSwitchesOffsetsZeroAndOneToTheDivisorLatch() {
        uart.write(IER, 1, 0x01);
        uart.write(LCR, 1, 0x83);
        uart.write(RBR, 1, 0x03);
        uart.write(IER, 1, 0x00);
        assertThat(sent).as("DLL write is not transmitted").isEmpty();
        assertThat(uart.read(RBR, 1)).isEqualTo(0x03);
        assertThat(uart.read(IER, 1)).isZero();
        uart.write(LCR, 1, 0x03);
        assertThat(uart.read(LCR, 1)).isEqualTo(0x03);
        assertThat(uart.read(IER, 1)).as("IER kept").isEqualTo(0x01);
        uart.receive('z');
        assertThat(uart.read(RBR, 1)).isEqualTo('z');
    }

    @Test
    void scratchRegisterReadsBack() {
        uart.write(SCR, 1, 0xa5);
        assertThat(uart.read(SCR, 1)).isEqualTo(0xa5);
    }

    @Test
    void iirReportsReceivedDataWhenEnabled() {
        assertThat(uart.read(IIR_FCR, 1) & 0x0f).isEqualTo(0x01);
        uart.write(IER, 1, 0x01);
        uart.receive('q');
        assertThat(uart.read(IIR_FCR, 1) & 0x0f).isEqualTo(0x04);
        assertThat(irq).last().isEqualTo(true);
        uart.read(RBR, 1);
        assertThat(uart.read(IIR_FCR, 1) & 0x0f).isEqualTo(0x01);
        assertThat(irq).last().isEqualTo(false);
    }

    @Test
    void fcrClearsTheReceiveFifo() {
        uart.receive(1);
        uart.receive(2);
        uart.write(IIR_FCR, 1, 0x03);
        assertThat(uart.read(LSR, 1) & 1).isZero();
        assertThat(uart.receiveSpace()).isEqualTo(16);
    }
}
