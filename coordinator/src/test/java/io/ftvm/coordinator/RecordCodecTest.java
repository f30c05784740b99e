package io.ftvm.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();
    private static final String P = "/ftvm/c/vms/vm1/state";
    private static final String NOBODY = "\"primary\":null,\"primarySince\":0,\"backup\":null,\"backupSince\":0";

    @Test
    void roundTrips() {
        VmSpec spec = new VmSpec("guests/images/kvstore.elf", 512, List.of("uart", "rtc"), DesiredProtection.PROTECTED);
        assertThat(codec.decodeSpec(P, codec.encodeSpec(spec))).isEqualTo(spec);
        for (VmState s : List.of(VmState.initial(), new VmState(7, VmStatus.PROTECTED, "h1", 3, "h2", 6, "backup h2 in sync"),
                new VmState(8, VmStatus.UNPROTECTED, "h2", 8, null, 0, ""))) {
            assertThat(codec.decodeState(P, codec.encodeState(s))).isEqualTo(s);
        }
        HostInfo h = new HostInfo("h1", "10.0.0.1:7400", 65536, "0.1.0");
        assertThat(codec.decodeHost(P, codec.encodeHost(h))).isEqualTo(h);
        HostInfo withAdmin = new HostInfo("h1", "10.0.0.1:7400", 65536, "0.1.0", "10.0.0.1:7480");
        assertThat(codec.decodeHost(P, codec.encodeHost(withAdmin))).isEqualTo(withAdmin);
        HostInfo zoned = new HostInfo("h1", "10.0.0.1:7400", 65536, "0.1.0", "10.0.0.1:7480", "rack-a");
        assertThat(codec.decodeHost(P, codec.encodeHost(zoned))).isEqualTo(zoned);
        HostInfo secure = new HostInfo("h1", "10.0.0.1:7400", 65536, "0.1.0", "10.0.0.1:7480", "rack-a", true);
        assertThat(codec.decodeHost(P, codec.encodeHost(secure))).isEqualTo(secure);
        HostInfo bridged = new HostInfo("h1", "10.0.0.1:7400", 65536, "0.1.0", "10.0.0.1:7480", "rack-a", true, true);
        assertThat(codec.decodeHost(P, codec.encodeHost(bridged))).isEqualTo(bridged);
        // a registration from before the field existed reads as "TLS not known to be on"
        assertThat(codec.decodeHost(P, ("{\"format\":1,\"kind\":\"ftvm.host\",\"hostId\":\"h1\",\"address\":\"a:1\","
                + "\"capacityMib\":1,\"version\":\"v\"}").getBytes(StandardCharsets.UTF_8)).tls()).isFalse();
        VmSpec suspended = new VmSpec("kvstore", 64, List.of(), DesiredProtection.SUSPENDED);
        assertThat(codec.decodeSpec(P, codec.encodeSpec(suspended))).isEqualTo(suspended);
    }

    @Test
    void roundTripsALinuxMachine() {
        LinuxMachine m = new LinuxMachine("linux/Image", "linux/initramfs.cpio", "console=ttyS0 quiet", null,
                List.of(new LinuxMachine.Disk("linux/disk.ext4", false), new LinuxMachine.Disk("iso.img", true)),
                List.of(new LinuxMachine.Nic("52:54:00:12:34:56", "bridge")), true);
        VmSpec spec = new VmSpec("linux/Image", 128, List.of("console"), DesiredProtection.PROTECTED, m);
        assertThat(codec.decodeSpec(P, codec.encodeSpec(spec))).isEqualTo(spec);
        VmSpec bare = new VmSpec("linux/Image", 128, List.of(), DesiredProtection.NONE,
                new LinuxMachine("linux/Image", null, "", "fw_dynamic.bin", List.of(), List.of(), false));
        assertThat(codec.decodeSpec(P, codec.encodeSpec(bare))).isEqualTo(bare);
        assertThat(codec.decodeSpec(P, codec.encodeSpec(spec)).withProtection(DesiredProtection.NONE).linux())
                .isEqualTo(m);
    }

    @Test
    void refusesABadLinuxMachineNamingTheField() {
        String head = "{\"format\":1,\"kind\":\"ftvm.vm-spec\",\"image\":\"k\",\"memoryMib\":64,"
                + "\"devices\":[],\"protection\":\"NONE\",\"linux\":";
        String disks = "\"disks\":[{\"image\":\"d\",\"readOnly\":false}]";
        String ok = "{\"kernel\":\"k\",\"initrd\":null,\"cmdline\":\"\",\"firmware\":null," + disks
                + ",\"nics\":[],\"entropy\":true}";
        assertThat(codec.decodeSpec(P, (head + ok + "}").getBytes(StandardCharsets.UTF_8)).linux().disks())
                .hasSize(1);
        refuseSpec(head + "[]}", "field 'linux' must be an object");
        refuseSpec(head + ok.replace("\"entropy\"", "\"extra\":1,\"entropy\"") + "}", "linux: unknown field 'extra'");
        refuseSpec(head + ok.replace("\"readOnly\":false", "\"readOnly\":\"no\"") + "}",
                "linux.disks[0]: field 'readOnly' must be true or false");
        refuseSpec(head + ok.replace("\"nics\":[]", "\"nics\":[{\"mac\":\"zz\",\"backend\":\"none\"}]") + "}",
                "linux.nics[0]: invalid record: MAC address 'zz'");
        refuseSpec(head + ok.replace("\"kernel\":\"k\"", "\"kernel\":\"other\"") + "}",
                "a Linux VM's image must be its kernel");
    }

    private void refuseSpec(String json, String message) {
        assertThatThrownBy(() -> codec.decodeSpec(P, json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining(message);
    }

    @Test
    void stateIsReadableJson() {
        String json = new String(codec.encodeState(new VmState(3, VmStatus.SYNCING, "h1", 1, "h2", 3, "x")),
                StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"format\":1,\"kind\":\"ftvm.vm-state\",\"epoch\":3,\"status\":\"SYNCING\","
                + "\"primary\":\"h1\",\"primarySince\":1,\"backup\":\"h2\",\"backupSince\":3,\"reason\":\"x\"}");
    }

    @Test
    void refusesAHostWithABadZone() {
        byte[] bad = ("{\"format\":1,\"kind\":\"ftvm.host\",\"hostId\":\"h1\",\"address\":\"a:1\","
                + "\"capacityMib\":1,\"version\":\"v\",\"zone\":\"rack a\"}").getBytes(StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decodeHost(P, bad))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("zone of host 'h1'");
    }

    @Test
    void refusesWithPathAndProblem() {
        refuse("", "empty znode");
        refuse("garbage", "not JSON");
        refuse("[1,2]", "not a JSON object");
        refuse("{\"epoch\":1}", "no integer 'format'");
        refuse("{\"format\":2,\"kind\":\"ftvm.vm-state\"}", "record format 2 is not supported");
        refuse("{\"format\":1,\"kind\":\"ftvm.host\"}", "expected a ftvm.vm-state record, found kind 'ftvm.host'");
        refuse(state("\"epoch\":1,\"status\":\"STOPPED\"," + NOBODY), "missing field 'reason'");
        refuse(state("\"epoch\":\"1\",\"status\":\"STOPPED\"," + NOBODY + ",\"reason\":\"\""),
                "'epoch' must be an integer");
        refuse(state("\"epoch\":1.5,\"status\":\"STOPPED\"," + NOBODY + ",\"reason\":\"\""),
                "'epoch' must be an integer");
        refuse(state("\"epoch\":1,\"status\":\"ZOMBIE\"," + NOBODY + ",\"reason\":\"\""),
                "unknown value 'ZOMBIE'");
        refuse(state("\"epoch\":1,\"status\":\"PROTECTED\",\"primary\":\"a\",\"primarySince\":1,\"backup\":null,\"backupSince\":0,\"reason\":\"\""),
                "invalid record: PROTECTED needs a backup");
        refuse(state("\"epoch\":1,\"status\":\"STOPPED\"," + NOBODY + ",\"reason\":\"\",\"x\":1"),
                "unknown field 'x'");
        refuse(state("\"epoch\":1,\"epoch\":2,\"status\":\"STOPPED\"," + NOBODY + ",\"reason\":\"\""),
                "not JSON");
        refuse(state("\"epoch\":1,\"status\":\"STOPPED\"," + NOBODY + ",\"reason\":\"\"") + "{}",
                "not JSON");
    }

    @Test
    void everyTruncationAndBitFlipIsATypedErrorOrAValidRecord() {
        byte[] good = codec.encodeState(new VmState(42, VmStatus.PROTECTED, "host-1", 40, "host-2", 41, "in sync"));
        for (int len = 0; len < good.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            assertThatThrownBy(() -> codec.decodeState(P, cut)).isInstanceOf(RecordFormatException.class);
        }
        Random r = new Random(5);
        for (int i = 0; i < 5000; i++) {
            byte[] bad = good.clone();
            bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                codec.decodeState(P, bad);
            } catch (RecordFormatException expected) {
                assertThat(expected.path()).isEqualTo(P);
            }
        }
    }

    private static String state(String fields) {
        return "{\"format\":1,\"kind\":\"ftvm.vm-state\"," + fields + "}";
    }

    private void refuse(String data, String problem) {
        assertThatThrownBy(() -> codec.decodeState(P, data.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageStartingWith("unreadable ftvm record at " + P + ": ")
                .hasMessageContaining(problem);
    }
}
