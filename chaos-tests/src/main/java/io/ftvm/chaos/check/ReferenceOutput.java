package io.ftvm.chaos.check;

import io.ftvm.guests.GuestImages;
import io.ftvm.vmm.board.ElfImage;
import io.ftvm.vmm.board.InvalidImageException;
import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The console output of a guest given some input, from a plain run on one machine with no replication: what a
 * protected VM must have printed for the same input, byte for byte.
 */
public final class ReferenceOutput {
    private ReferenceOutput() {
    }

    /** Runs {@code image} with {@code ramMib}, feeding all of {@code input}, until it is quiet; its output. */
    public static String of(String image, long ramMib, byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = new Machine(MachineConfig.defaults().withRam(ramMib << 20), (icount, offset, b) -> out.write(b));
        try {
            m.load(ElfImage.parse(image, GuestImages.bytes(image)));
        } catch (InvalidImageException e) {
            throw new IllegalStateException("the guest image " + image + " does not load", e);
        }
        int fed = 0;
        int idleAfterInput = 0;
        // Slices end when the guest idles (waiting for the UART's interrupt), so input is fed as soon as there is
        // room; idle time is skipped. Done when all input is in and the guest idles without anything to wake it.
        for (long slice = 0; slice < 100_000_000 && idleAfterInput < 3; slice++) {
            int space = m.consoleInputSpace();
            if (fed < input.length && space > 0) {
                int n = Math.min(space, input.length - fed);
                m.receiveConsole(Arrays.copyOfRange(input, fed, fed + n));
                fed += n;
            }
            RunResult r = m.runUntil(m.icount() + 10_000_000);
            if (r.reason() == RunResult.Reason.POWER_OFF || r.idleWithoutWakeup() && fed == input.length) {
                break;
            }
            if (r.reason() == RunResult.Reason.IDLE) {
                idleAfterInput = fed == input.length ? idleAfterInput + 1 : 0;
                long distance = r.wakeTime() - m.time().now();
                if (distance > 0) {
                    m.advanceTime(distance);
                }
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
