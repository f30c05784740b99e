package io.ftvm.vmm.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/** The builtin SBI answers each extension as the SBI 2.0 specification says, and refuses bad arguments. */
class BuiltinSbiTest {
    private static final long RAM = 0x8000_0000L;

    /** A board with 4 KiB of RAM, a console, and counters for what the SBI asked of it. */
    private static final class FakeBoard implements SbiBoard {
        final byte[] ram = new byte[4096];
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final ArrayDeque<Integer> input = new ArrayDeque<>();
        int ipis;
        int fences;
        int suspends;
        Integer powerOff;
        boolean rebooted;

        @Override
        public void consoleWrite(int b) {
            console.write(b);
        }

        @Override
        public int consoleRead() {
            return input.isEmpty() ? -1 : input.poll();
        }

        @Override
        public long time() {
            return 0;
        }

        @Override
        public int readPhysical(long address, byte[] into, int length) {
            if (address < RAM || address + length > RAM + ram.length) {
                return -1;
            }
            System.arraycopy(ram, (int) (address - RAM), into, 0, length);
            return length;
        }

        @Override
        public boolean writePhysical(long address, byte[] from, int length) {
            if (address < RAM || address + length > RAM + ram.length) {
                return false;
            }
            System.arraycopy(from, 0, ram, (int) (address - RAM), length);
            return true;
        }

        @Override
        public void raiseSoftwareInterrupt() {
            ipis++;
        }

        @Override
        public void fence() {
            fences++;
        }

        @Override
        public void suspend() {
            suspends++;
        }

        @Override
        public void powerOff(int code) {
            powerOff = code;
        }

        @Override
        public void reboot() {
            rebooted = true;
        }
    }

    private final FakeBoard board = new FakeBoard();
    private final BuiltinSbi sbi = new BuiltinSbi(board);

    private long[] call(long ext, long fid, long... args) {
        long[] x = new long[32];
        x[17] = ext;
        x[16] = fid;
        x[11] = 0x5a5a; // a1 must stay untouched on error
        System.arraycopy(args, 0, x, 10, args.length);
        sbi.call(x);
        return new long[] {x[10], x[11]};
    }

    @Test
    void baseReportsVersionImplementationAndProbes() {
        assertThat(call(BuiltinSbi.EXT_BASE, 0)).containsExactly(0, 2L << 24);
        assertThat(call(BuiltinSbi.EXT_BASE, 1)).containsExactly(0, BuiltinSbi.IMPLEMENTATION_ID);
        assertThat(call(BuiltinSbi.EXT_BASE, 3, BuiltinSbi.EXT_TIME)).containsExactly(0, 1);
        assertThat(call(BuiltinSbi.EXT_BASE, 3, BuiltinSbi.EXT_DBCN)).containsExactly(0, 1);
        assertThat(call(BuiltinSbi.EXT_BASE, 3, 0x504D55L)).as("PMU is not offered").containsExactly(0, 0);
        assertThat(call(BuiltinSbi.EXT_BASE, 4)).containsExactly(0, 0);
        assertThat(call(BuiltinSbi.EXT_BASE, 9)).containsExactly(-2, 0x5a5a);
        assertThat(call(0x504D55L, 0)).as("unknown extension").containsExactly(-2, 0x5a5a);
    }

    @Test
    void timerFiresWhenTimeReachesTheCompareValue() {
        assertThat(sbi.timerPending(Long.MAX_VALUE)).as("never set: -1 is the largest unsigned value").isFalse();
        assertThat(call(BuiltinSbi.EXT_TIME, 0, 1000)[0]).isZero();
        assertThat(sbi.timerPending(999)).isFalse();
        assertThat(sbi.timerPending(1000)).isTrue();
        call(0, 0, 5000); // legacy set_timer
        assertThat(sbi.timerCompare()).isEqualTo(5000);
        assertThat(call(BuiltinSbi.EXT_TIME, 1)[0]).isEqualTo(-2);
    }

    @Test
    void ipisAndFencesReachOnlyTheOneHart() {
        assertThat(call(BuiltinSbi.EXT_IPI, 0, 1, 0)[0]).isZero();
        assertThat(call(BuiltinSbi.EXT_IPI, 0, 0, -1)[0]).as("base -1: all harts").isZero();
        assertThat(board.ipis).isEqualTo(2);
        assertThat(call(BuiltinSbi.EXT_IPI, 0, 2, 0)[0]).as("hart 1 does not exist").isEqualTo(-3);
        assertThat(call(BuiltinSbi.EXT_IPI, 0, 1, 1)[0]).as("hart 1 does not exist").isEqualTo(-3);
        assertThat(call(BuiltinSbi.EXT_RFENCE, 1, 1, 0, 0, -1)[0]).isZero();
        assertThat(board.fences).isEqualTo(1);
        assertThat(board.ipis).isEqualTo(2);
    }

    @Test
    void hartStateManagementKnowsOneStartedHart() {
        assertThat(call(BuiltinSbi.EXT_HSM, 2, 0)).containsExactly(0, 0);
        assertThat(call(BuiltinSbi.EXT_HSM, 2, 1)[0]).isEqualTo(-3);
        assertThat(call(BuiltinSbi.EXT_HSM, 0, 0, RAM, 0)[0]).isEqualTo(-6);
        assertThat(call(BuiltinSbi.EXT_HSM, 3, 0, 0, 0)[0]).isZero();
        assertThat(board.suspends).isEqualTo(1);
        assertThat(call(BuiltinSbi.EXT_HSM, 3, 0x80000000L, RAM, 0)[0]).as("non-retentive").isEqualTo(-2);
        assertThat(call(BuiltinSbi.EXT_HSM, 3, 5, 0, 0)[0]).as("reserved type").isEqualTo(-3);
    }

    @Test
    void systemResetPowersOffOrReboots() {
        assertThat(call(BuiltinSbi.EXT_SRST, 0, 7, 0)[0]).as("reserved type").isEqualTo(-3);
        assertThat(board.powerOff).isNull();
        call(BuiltinSbi.EXT_SRST, 0, 0, 1);
        assertThat(board.powerOff).as("shutdown for a system failure").isEqualTo(1);
        call(BuiltinSbi.EXT_SRST, 0, 1, 0);
        assertThat(board.rebooted).isTrue();
    }

    @Test
    void debugConsoleWritesAndReadsThroughPhysicalMemory() {
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hello, 0, board.ram, 16, hello.length);
        assertThat(call(BuiltinSbi.EXT_DBCN, 0, 5, RAM + 16, 0)).containsExactly(0, 5);
        assertThat(call(BuiltinSbi.EXT_DBCN, 2, '!')[0]).isZero();
        call(1, 0, '\n'); // legacy putchar
        assertThat(board.console.toString(StandardCharsets.US_ASCII)).isEqualTo("hello!\n");

        assertThat(call(BuiltinSbi.EXT_DBCN, 0, 5, RAM + 4094, 0)[0]).as("runs off RAM").isEqualTo(-3);
        assertThat(call(BuiltinSbi.EXT_DBCN, 0, 5, RAM, 1)[0]).as("address above 2^64").isEqualTo(-3);

        board.input.add((int) 'a');
        board.input.add((int) 'b');
        assertThat(call(BuiltinSbi.EXT_DBCN, 1, 8, 0x1000, 0)[0]).as("bad buffer: input stays queued").isEqualTo(-3);
        assertThat(board.input).hasSize(2);
        assertThat(call(BuiltinSbi.EXT_DBCN, 1, 8, RAM + 100, 0)).containsExactly(0, 2);
        assertThat(new String(board.ram, 100, 2, StandardCharsets.US_ASCII)).isEqualTo("ab");
        assertThat(call(2, 0)[0]).as("legacy getchar with nothing waiting").isEqualTo(-1);
        board.input.add((int) 'z');
        assertThat(call(2, 0)[0]).isEqualTo('z');
    }

    @Test
    void legacyShutdownPowersOffCleanly() {
        call(8, 0);
        assertThat(board.powerOff).isZero();
    }
}
