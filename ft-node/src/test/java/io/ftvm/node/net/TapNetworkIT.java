package io.ftvm.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real TAP devices on a real bridge (needs root, as ftd does to attach VMs to a bridge). */
class TapNetworkIT {
    private final String bridge = "ftbrit" + ProcessHandle.current().pid() % 100000;

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @BeforeEach
    void bridge() throws Exception {
        sh("ip", "link", "add", bridge, "type", "bridge");
        sh("ip", "link", "set", bridge, "up");
    }

    @AfterEach
    void removeBridge() throws Exception {
        sh("ip", "link", "del", bridge);
    }

    @Test
    void framesCrossTheBridgeAndTheDeviceGoesAwayWithItsOwner() throws Exception {
        long macA = 0x525400000001L;
        long macB = 0x525400000002L;
        String a = TapNetwork.tapName("hostA", "vm1");
        String b = TapNetwork.tapName("hostB", "vm1");
        assertThat(a).hasSizeLessThanOrEqualTo(15).isNotEqualTo(b);
        try (TapNetwork na = TapNetwork.open("vm1", a, bridge, macA);
                TapNetwork nb = TapNetwork.open("vm1", b, bridge, macB)) {
            assertThat(Files.readSymbolicLink(Path.of("/sys/class/net", a, "master")).getFileName().toString())
                    .isEqualTo(bridge);
            byte[] rarp = TapNetwork.rarp(macA);
            byte[] got = null;
            for (int i = 0; i < 100 && got == null; i++) { // bounded: up to ~5 s
                na.send(rarp);
                Thread.sleep(50);
                for (byte[] f = nb.peek(); f != null; f = nb.peek()) {
                    nb.remove();
                    if (f[12] == (byte) 0x80 && f[13] == 0x35) {
                        got = f;
                    }
                }
            }
            assertThat(got).isEqualTo(rarp);
        }
        assertThat(Files.exists(Path.of("/sys/class/net", a))).isFalse();
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> TapNetwork.open("vm1", "fttest0", "nosuchbridge9", 1L))
                .isInstanceOf(NetworkSetupException.class).hasMessageContaining("bridge 'nosuchbridge9' does not exist");
        assertThatThrownBy(() -> TapNetwork.open("vm1", "a name with spaces", bridge, 1L))
                .hasMessageContaining("is not an interface name");
        assertThatThrownBy(() -> TapNetwork.open("vm1", "fttest1", "lo", 1L))
                .hasMessageContaining("'lo' is not a bridge");
    }

    @Test
    void aNameInUseIsRefusedAndNothingIsLeftBehind() throws Exception {
        try (TapNetwork first = TapNetwork.open("vm1", "fttest2", bridge, 1L)) {
            assertThatThrownBy(() -> TapNetwork.open("vm2", "fttest2", bridge, 2L))
                    .isInstanceOf(NetworkSetupException.class).hasMessageContaining("fttest2");
            assertThat(Files.exists(Path.of("/sys/class/net/fttest2"))).isTrue();
        }
    }
}
