package io.ftvm.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        try (TapNetwork na = new HostNetwork("hostA", bridge).open("vm1", macA);
                TapNetwork nb = new HostNetwork("hostB", bridge).open("vm1", macB)) {
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
    void aBackupsNicIsAttachedToNothingUntilItGoesLive() throws Exception {
        HostNetwork host = new HostNetwork("hostC", bridge);
        String name = TapNetwork.tapName("hostC", "vm2");
        try (TapNetwork prepared = host.prepare("vm2", 0x525400000003L)) {
            assertThat(Files.exists(Path.of("/sys/class/net", name))).isTrue();
            assertThat(Files.exists(Path.of("/sys/class/net", name, "master"))).isFalse();
            assertThat(Files.readString(Path.of("/sys/class/net", name, "operstate")).trim()).isEqualTo("down");
            prepared.attach(bridge);
            assertThat(Files.readSymbolicLink(Path.of("/sys/class/net", name, "master")).getFileName().toString())
                    .isEqualTo(bridge);
            assertThat(Integer.decode(Files.readString(Path.of("/sys/class/net", name, "flags")).trim()) & 1)
                    .isEqualTo(1);
        }
        assertThat(Files.exists(Path.of("/sys/class/net", name))).isFalse();
    }

    @Test
    void aFrameLargerThanTheGuestsMtuIsDroppedAndAVanishedTapIsNamed() throws Exception {
        try (TapNetwork na = new HostNetwork("hostE", bridge).open("vm1", 0x525400000005L);
                TapNetwork nb = new HostNetwork("hostF", bridge).open("vm1", 0x525400000006L)) {
            String a = TapNetwork.tapName("hostE", "vm1");
            String b = TapNetwork.tapName("hostF", "vm1");
            for (String dev : List.of(bridge, a, b)) {
                sh("ip", "link", "set", "dev", dev, "mtu", "9000");
            }
            byte[] jumbo = TapNetwork.rarp(0x525400000005L);
            jumbo = java.util.Arrays.copyOf(jumbo, 4000); // broadcast, so the bridge floods it to b
            for (int i = 0; i < 100 && nb.oversizedFrames() == 0; i++) { // bounded: up to ~5 s
                na.send(jumbo);
                Thread.sleep(50);
            }
            assertThat(nb.oversizedFrames()).isPositive();
            for (byte[] f = nb.peek(); f != null; f = nb.peek()) {
                nb.remove();
                assertThat(f.length).isLessThanOrEqualTo(io.ftvm.vmm.devices.virtio.NetDevice.MAX_FRAME);
            }
            sh("ip", "link", "del", b); // the device goes away under the NIC
            for (int i = 0; i < 50 && nb.cutOff() == null; i++) {
                Thread.sleep(50);
            }
            assertThat(nb.cutOff()).contains(b);
            nb.send(new byte[60]); // never throws: a lost frame
        }
    }

    @Test
    void aHostWithoutCapNetAdminIsRefusedByName() throws Exception {
        // the same JVM code in a process without CAP_NET_ADMIN (dropped from its bounding set)
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin", javaBin, "-cp",
                System.getProperty("java.class.path"), TapProbe.class.getName(), bridge).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("ftd needs CAP_NET_ADMIN");
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> new HostNetwork("h", "nosuchbridge9").open("vm1", 1L))
                .isInstanceOf(NetworkSetupException.class).hasMessageContaining("bridge 'nosuchbridge9' does not exist");
        assertThatThrownBy(() -> new HostNetwork("h", "a name with spaces").open("vm1", 1L))
                .hasMessageContaining("is not an interface name");
        assertThatThrownBy(() -> new HostNetwork("h", "lo").open("vm1", 1L))
                .hasMessageContaining("'lo' is not a bridge");
        assertThatThrownBy(() -> new HostNetwork("h", null).open("vm1", 1L))
                .hasMessageContaining("names none (set bridge in its ftd.yaml)");
        assertThatThrownBy(() -> new HostNetwork("h", "nosuchbridge9").prepare("vm1", 1L))
                .hasMessageContaining("bridge 'nosuchbridge9' does not exist");
        // nothing is left behind by a failed attach
        assertThat(Files.exists(Path.of("/sys/class/net", TapNetwork.tapName("h", "vm1")))).isFalse();
    }

    @Test
    void aNameInUseIsRefused() throws Exception {
        try (TapNetwork first = new HostNetwork("hostD", bridge).open("vm1", 1L)) {
            assertThatThrownBy(() -> new HostNetwork("hostD", bridge).open("vm1", 2L))
                    .isInstanceOf(NetworkSetupException.class).hasMessageContaining("device busy");
            assertThat(Files.exists(Path.of("/sys/class/net", TapNetwork.tapName("hostD", "vm1")))).isTrue();
        }
    }
}
