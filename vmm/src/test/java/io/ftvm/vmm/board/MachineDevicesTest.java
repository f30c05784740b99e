package io.ftvm.vmm.board;

import static io.ftvm.vmm.cpu.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.TestMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The devices as the guest sees them on the board: UART console output, test finisher power-off, hello.elf. */
class MachineDevicesTest {

    @Test
    void uartBytesReachTheSinkWithIcountAndOffset() {
        List<long[]> out = new ArrayList<>();
        Machine machine = new Machine(new MachineConfig(1 << 20, 10), (icount, offset, b) ->
                out.add(new long[] {icount, offset, b}));
        TestMachine.load(machine, lui(T0, 0x10000), addi(T1, ZERO, 'H'), sb(T1, T0, 0), addi(T1, ZERO, 'i'),
                sb(T1, T0, 0), jal(ZERO, 0));
        machine.runUntil(10);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).containsExactly(2, 0, 'H');
        assertThat(out.get(1)).containsExactly(4, 1, 'i');
        assertThat(machine.consoleOffset()).isEqualTo(2);
    }

    @Test
    void finisherPassPowersOff() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x100), lui(T1, 5), addi(T1, T1, 0x555), sw(T1, T0, 0), nop());
        RunResult r = m.runUntil(100);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(r.exitCode()).isZero();
        assertThat(r.icount()).as("the finisher store retires").isEqualTo(4);
        assertThat(m.runUntil(200)).as("stays off").isEqualTo(r);
    }

    @Test
    void finisherFailCarriesTheCode() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x100), lui(T1, 0x73), addi(T1, T1, 0x333), sw(T1, T0, 0), nop());
        RunResult r = m.runUntil(100);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(r.exitCode()).isEqualTo(7);
    }

    @Test
    void aSixteenBitPassPowersOffAsOpenSbiWritesIt() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x100), lui(T1, 5), addi(T1, T1, 0x555), sh(T1, T0, 0), nop());
        RunResult r = m.runUntil(100);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(r.exitCode()).isZero();
        TestMachine bytes = new TestMachine();
        bytes.program(lui(T0, 0x100), addi(T1, 0, 0x55), sb(T1, T0, 0), nop());
        assertThat(bytes.runUntil(100).reason()).as("a byte write is ignored").isEqualTo(RunResult.Reason.LIMIT);
    }

    @Test
    void finisherReset() {
        TestMachine m = new TestMachine();
        m.program(lui(T0, 0x100), lui(T1, 0x7), addi(T1, T1, 0x777), sw(T1, T0, 0), nop());
        assertThat(m.runUntil(100).reason()).isEqualTo(RunResult.Reason.RESET);
    }

    @Test
    void helloImageRunsToAPassingPowerOff() throws Exception {
        StringBuilder console = new StringBuilder();
        Machine machine = new Machine(MachineConfig.defaults(), (icount, offset, b) -> console.append((char) b));
        machine.load(ElfImage.parse("hello.elf", ElfImageTest.hello()));
        RunResult r = machine.runUntil(50_000_000);
        assertThat(r.reason()).isEqualTo(RunResult.Reason.POWER_OFF);
        assertThat(r.exitCode()).isZero();
        assertThat(console).isNotEmpty();
    }
}
