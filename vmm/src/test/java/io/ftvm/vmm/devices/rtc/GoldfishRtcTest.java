package io.ftvm.vmm.devices.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Goldfish RTC: boot wall clock plus virtual time, latched high half, alarm and interrupt line. */
class GoldfishRtcTest {
    private final long[] virtual = {0};
    private final List<Boolean> line = new ArrayList<>();
    private final GoldfishRtc rtc = new GoldfishRtc(() -> virtual[0], line::add);

    @Test
    void timeIsBootPlusVirtualTimeWithTheHighHalfLatched() {
        rtc.setBootTime(0x1_2345_6789L);
        virtual[0] = 0xffff_ffffL;
        long expected = 0x1_2345_6789L + 0xffff_ffffL;
        long low = rtc.read(0x00, 4);
        virtual[0] += 1L << 40; // time moves on; the latched high half does not
        long high = rtc.read(0x04, 4);
        assertThat((high << 32) | low).isEqualTo(expected);
    }

    @Test
    void alarmRaisesTheLineWhenEnabledAndIsClearedByTheGuest() {
        rtc.write(0x10, 4, 1);
        rtc.write(0x0c, 4, 0);
        rtc.write(0x08, 4, 1000);
        assertThat(rtc.read(0x18, 4)).isEqualTo(1);
        virtual[0] = 999;
        rtc.read(0x18, 4);
        assertThat(line.get(line.size() - 1)).isFalse();
        virtual[0] = 1000;
        assertThat(rtc.read(0x18, 4)).isZero();
        assertThat(line.get(line.size() - 1)).isTrue();
        rtc.write(0x1c, 4, 1);
        assertThat(line.get(line.size() - 1)).isFalse();
    }

    @Test
    void stateRoundTrips() {
        rtc.setBootTime(77);
        rtc.write(0x10, 4, 1);
        rtc.write(0x08, 4, 5);
        GoldfishRtc copy = new GoldfishRtc(() -> virtual[0], level -> { });
        copy.restore(rtc.state());
        assertThat(copy.state()).isEqualTo(rtc.state());
        assertThat(copy.now()).isEqualTo(rtc.now());
    }
}
