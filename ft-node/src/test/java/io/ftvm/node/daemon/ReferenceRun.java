package io.ftvm.node.daemon;

import io.ftvm.guests.GuestImages;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The console output of a guest given some input, from a plain single-host run (the reference for failover tests). */
final class ReferenceRun {
    private ReferenceRun() {
    }

    static String output(String image, long ramMib, byte[] input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = new Machine(MachineConfig.defaults().withRam(ramMib << 20), (icount, offset, b) -> out.write(b));
        m.load(ElfImage.parse(image, GuestImages.bytes(image)));
        int fed = 0;
        long quiet = 0;
        int lastSize = -1;
        for (int slice = 0; slice < 100_000 && quiet < 50; slice++) {
            int space = m.consoleInputSpace();
            if (fed < input.length && space > 0) {
                int n = Math.min(space, input.length - fed);
                m.receiveConsole(java.util.Arrays.copyOfRange(input, fed, fed + n));
                fed += n;
            }
            RunResult r = m.runSkippingIdle(m.icount() + 1_000_000);
            if (r.reason() == RunResult.Reason.POWER_OFF || r.idleWithoutWakeup() && fed == input.length) {
                break;
            }
            quiet = fed == input.length && out.size() == lastSize ? quiet + 1 : 0;
            lastSize = out.size();
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
