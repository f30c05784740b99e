package io.ftvm.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputGateTest {
    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger helds = new AtomicInteger();
    private final OutputHistory history = new OutputHistory(1 << 16, 0);
    private final OutputGate gate = new OutputGate(history, 1024, helds::incrementAndGet, System::nanoTime, n -> { });

    OutputGateTest() {
        gate.network(GuestNetwork.sendingTo(frame -> sent.add(new String(frame))));
    }

    @Test
    void framesPassWhileUnprotectedAndWaitForTheBackupsAckOtherwise() {
        gate.frame(10, "a".getBytes());
        assertThat(sent).containsExactly("a");
        gate.hold();
        gate.frame(20, "b".getBytes());
        gate.frame(30, "c".getBytes());
        assertThat(helds.get()).isEqualTo(1); // the first held output ends the slice
        assertThat(sent).containsExactly("a");
        assertThat(gate.held()).isEqualTo(2);
        gate.release(20); // the ack must go beyond the frame's icount
        assertThat(sent).containsExactly("a");
        gate.release(21);
        assertThat(sent).containsExactly("a", "b");
        gate.release(31);
        assertThat(sent).containsExactly("a", "b", "c");
        assertThat(gate.held()).isZero();
    }

    @Test
    void aFencedGateNeverSendsHeldFrames() {
        gate.hold();
        gate.frame(5, "x".getBytes());
        gate.console(6, 0, 'y');
        assertThat(gate.discard()).isEqualTo(2);
        gate.release(Long.MAX_VALUE);
        assertThat(sent).isEmpty();
        assertThat(history.end()).isZero();
    }

    @Test
    void goingUnprotectedReleasesEverythingInOrder() {
        gate.hold();
        gate.frame(5, "1".getBytes());
        gate.frame(6, "2".getBytes());
        gate.passAll();
        assertThat(sent).containsExactly("1", "2");
        gate.frame(7, "3".getBytes());
        assertThat(sent).containsExactly("1", "2", "3");
    }

    @Test
    void manyHeldFrameBytesAskTheVmToWait() {
        gate.hold();
        byte[] big = new byte[1500];
        int n = 0;
        while (!gate.full() && n < 10_000) {
            gate.frame(n, big);
            n++;
        }
        assertThat(gate.full()).isTrue();
        assertThat((long) n * big.length).isGreaterThanOrEqualTo(OutputGate.FRAME_CAPACITY);
        gate.release(Long.MAX_VALUE);
        assertThat(gate.full()).isFalse();
        assertThat(sent).hasSize(n);
        assertThat(gate.framesDropped()).isZero();
    }
}
