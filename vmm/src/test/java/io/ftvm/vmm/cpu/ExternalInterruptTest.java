package io.ftvm.vmm.cpu;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.board.MemoryMap;
import io.ftvm.vmm.board.RunResult;
import org.junit.jupiter.api.Test;

/**
 * The UART's receive interrupt through the PLIC to the hart: with source 10 enabled for context 0 and MEIE set, a
 * byte arriving raises MEIP and the hart takes the machine external interrupt at once; the claim returns 10; with
 * context 1 it is SEIP instead. A hart waiting in WFI wakes for it.
 */
class ExternalInterruptTest {
    private static final long PLIC = MemoryMap.PLIC;
    private static final long UART = MemoryMap.UART0;
    private static final long MEI = (1L << 63) | 11;

    /** Programs PLIC source 10 (priority 1, enabled for {@code context}) and the UART's RX interrupt, then WFI. */
    private static Asm.Program setup(int context) {
        Asm.Program p = new Asm.Program();
        p.li(T0, PLIC + 4 * MemoryMap.UART0_IRQ).li(T1, 1).add(sw(T1, T0, 0));
        p.li(T0, PLIC + 0x2000 + 0x80L * context).li(T1, 1L << MemoryMap.UART0_IRQ).add(sw(T1, T0, 0));
        p.li(T0, UART).li(T1, 1).add(sb(T1, T0, 1)); // IER: receive data available
        p.li(T0, 1L << (context == 0 ? 11 : 9)).add(csrw(Csr.MIE, T0));
        p.li(T0, 1L << 3).add(csrw(Csr.MSTATUS, T0)); // MIE
        p.add(0x10500073, jal(0, -4)); // wfi; j .-4
        return p;
    }

    @Test
    void aByteArrivingRaisesTheMachineExternalInterrupt() {
        TestMachine m = new TestMachine();
        m.program(setup(0));
        RunResult idle = m.run(100);
        assertThat(idle.reason()).as("waits in WFI").isEqualTo(RunResult.Reason.IDLE);
        assertThat(m.csr(Csr.MIP) & Csr.MEIP).isZero();
        m.machine().receiveConsole(new byte[] {'x'});
        assertThat(m.csr(Csr.MIP) & Csr.MEIP).as("MEIP follows the PLIC").isNotZero();
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).isEqualTo(MEI);
        assertThat(m.inMachineHandler()).isTrue();
        assertThat(m.machine().plic().read(0x200004, 4)).as("claim").isEqualTo(MemoryMap.UART0_IRQ);
        assertThat(m.csr(Csr.MIP) & Csr.MEIP).as("claimed: no longer asserted").isZero();
    }

    @Test
    void contextOneDrivesSeip() {
        TestMachine m = new TestMachine();
        m.program(setup(1));
        m.run(100);
        m.machine().receiveConsole(new byte[] {'y'});
        assertThat(m.csr(Csr.MIP) & Csr.SEIP).isNotZero();
        assertThat(m.csr(Csr.MIP) & Csr.MEIP).isZero();
        m.run(1);
        assertThat(m.csr(Csr.MCAUSE)).as("supervisor external interrupt, taken in M").isEqualTo((1L << 63) | 9);
    }

    /**
     * A firmware clearing mip.STIP with CSRRC while the PLIC asserts SEIP must not latch SEIP into mip's writable bit
     * (CSRRS/CSRRC read only the software SEIP bit): once the source is claimed, SEIP drops. OpenSBI does exactly
     * this on every timer tick; latching SEIP made Linux loop on spurious external interrupts.
     */
    @Test
    void clearingStipDoesNotLatchTheExternalLine() {
        TestMachine m = new TestMachine();
        Asm.Program p = new Asm.Program();
        p.li(T0, PLIC + 4 * MemoryMap.UART0_IRQ).li(T1, 1).add(sw(T1, T0, 0));
        p.li(T0, PLIC + 0x2000 + 0x80L).li(T1, 1L << MemoryMap.UART0_IRQ).add(sw(T1, T0, 0));
        p.li(T0, UART).li(T1, 1).add(sb(T1, T0, 1));
        p.li(T0, Csr.STIP).add(csrrs(0, Csr.MIP, T0)); // M-mode raises STIP, as a firmware's timer handler does
        p.li(T0, Csr.SEIP).add(csrw(Csr.MIE, T0)); // wake from WFI for it (in M-mode an S interrupt is not taken)
        p.add(0x10500073); // wfi
        p.li(T0, Csr.STIP).add(csrrc(0, Csr.MIP, T0)); // ... and clears it with SEIP asserted by the PLIC
        p.add(jal(0, 0));
        m.program(p);
        m.run(100);
        m.machine().receiveConsole(new byte[] {'z'});
        m.run(200);
        assertThat(m.csr(Csr.MIP) & Csr.STIP).isZero();
        assertThat(m.csr(Csr.MIP) & Csr.SEIP).as("the line is still up").isNotZero();
        m.machine().plic().read(0x201004, 4); // context 1 claims the UART's interrupt
        assertThat(m.csr(Csr.MIP) & Csr.SEIP).as("nothing latched").isZero();
    }
}
