package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits, with a {@link Progress} line, until a VM reaches a state: protected again after a drill, protected after
 * {@code vm start --wait} or {@code ft on --wait}, or running. While a backup receives its snapshot the line is a bar
 * of the bytes received; otherwise it names the phase and the VM's reason code. Bounded by a timeout (exit
 * {@link ExitCodes#TIMEOUT}, saying what it last saw); a VM that stops meanwhile (a stop at a later epoch than the
 * one the wait started from: a host that answers from a view a moment old is not taken for one) ends the wait with
 * {@link ExitCodes#FAILED}.
 */
final class ProtectionWaiter {
    /** Polling while redundancy is restored (a snapshot transfer: seconds). */
    static final long POLL_MILLIS = 250;

    private final AdminClient client;
    private final Progress progress;
    private final Duration timeout;

    ProtectionWaiter(AdminClient client, Progress progress, Duration timeout) {
        this.client = client;
        this.progress = progress;
        this.timeout = timeout;
    }

    /**
     * Polls the VM until {@code done} holds for its record; the record that satisfied it.
     *
     * @param phase     what the progress line says while no snapshot is moving
     * @param what      what is awaited, for the timeout message ("protected again")
     * @param fromEpoch the VM's epoch when the wait began (the answer to the request it follows)
     * @param t0        when the awaited work started ({@link System#nanoTime}), for the elapsed time shown
     */
    JsonNode await(String vm, Predicate<JsonNode> done, String phase, String what, long fromEpoch, long t0)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                JsonNode now = client.get("/vms/" + AdminClient.vmId(vm));
                if (done.test(now)) {
                    return now;
                }
                if (now.path("status").asText().equals("STOPPED") && now.path("epoch").asLong() > fromEpoch) {
                    throw new CliException(ExitCodes.FAILED, "VM " + vm + " stopped while waiting until it is "
                            + what + ": " + Views.text(now, "reason"));
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.TIMEOUT, "VM " + vm + " was not " + what + " within "
                            + timeout.toMillis() + " ms; last seen: " + seen(now));
                }
                show(now, phase, t0);
                Thread.sleep(POLL_MILLIS);
            }
        } finally {
            progress.finish();
        }
    }

    /** Until the VM is PROTECTED; {@code answer} is what the request that started the wait returned. */
    JsonNode awaitProtected(String vm, JsonNode answer, long t0) throws InterruptedException {
        return await(vm, ProtectionWaiter::isProtected, "protecting", "protected", answer.path("epoch").asLong(), t0);
    }

    /** Until the VM is as its fault tolerance asks: PROTECTED when it is on, running otherwise. */
    JsonNode awaitSettled(String vm, JsonNode answer, long t0) throws InterruptedException {
        return await(vm, v -> "PROTECTED".equals(Views.text(v, "faultTolerance")) ? isProtected(v)
                : !"STOPPED".equals(Views.text(v, "status")), "protecting", "protected (or running, when fault "
                + "tolerance is not on)", answer.path("epoch").asLong(), t0);
    }

    static boolean isProtected(JsonNode vm) {
        return "PROTECTED".equals(Views.text(vm, "status"));
    }

    /** The progress line for the VM's current state. */
    void show(JsonNode vm, String phase, long t0) {
        JsonNode b = vm.path("backupHost").path("backup");
        long size = b.path("snapshotSizeBytes").asLong();
        if (size > 0 && !isProtected(vm)) {
            progress.update("snapshot to " + Views.text(vm, "backup"), b.path("snapshotReceivedBytes").asLong(),
                    size, millisSince(t0));
        } else {
            progress.update(phase + " (" + Views.text(vm, "reasonCode") + ")", 0, 0, millisSince(t0));
        }
    }

    /** What a timed-out wait last saw of the VM. */
    static String seen(JsonNode vm) {
        if (vm == null) {
            return "nothing (no answer yet)";
        }
        return Views.text(vm, "status") + " at epoch " + Views.text(vm, "epoch") + ", primary "
                + Views.text(vm, "primary") + ", backup " + Views.text(vm, "backup") + " ("
                + Views.text(vm, "reasonCode") + ": " + Views.text(vm, "reason") + ")";
    }

    static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
