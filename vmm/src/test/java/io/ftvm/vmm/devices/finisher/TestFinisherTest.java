package io.ftvm.vmm.devices.finisher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SiFive test finisher: 0x5555 = pass (exit 0), (code << 16) | 0x3333 = fail with code, 0x7777 = reset. */
class TestFinisherTest {
    private final List<String> events = new ArrayList<>();
    private final TestFinisher finisher = new TestFinisher(new TestFinisher.PowerControl() {
        @Override
        public void powerOff(int exitCode) {
            events.add("off " + exitCode);
        }

        @Override
        public void reset() {
            events.add("reset");
        }
    });

    @Test
    void passPowersOffWithZero() {
        finisher.write(0, 4, 0x5555);
        assertThat(events).containsExactly("off 0");
    }

    @Test
    void failCarriesTheCode() {
        finisher.write(0, 4, (42L << 16) | 0x3333);
        finisher.write(0, 4, (0xffffL << 16) | 0x3333);
        assertThat(events).containsExactly("off 42", "off 65535");
    }

    @Test
    void resetRequest() {
        finisher.write(0, 4, 0x7777);
        assertThat(events).containsExactly("reset");
    }

    @Test
    void otherValuesAndOffsetsAreIgnored() {
        finisher.write(0, 4, 0x1234);
        finisher.write(4, 4, 0x5555);
        assertThat(events).isEmpty();
        assertThat(finisher.read(0, 4)).isZero();
    }
}
