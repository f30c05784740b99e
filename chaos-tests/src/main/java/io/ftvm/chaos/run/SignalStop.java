package io.ftvm.chaos.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import sun.misc.Signal;

/**
 * Turns the first SIGINT (Ctrl-C) or SIGTERM into a request to end a run early and gracefully: no new fault, every
 * fault healed, the clients given time to catch up, the history ended properly and checked, the summary printed. A
 * second signal exits at once (the run's reaper still kills every child process). Without this a signal would end the
 * JVM in the middle of the workload and leave a history that can only be checked as cut short. The hosts run in
 * sessions of their own, so Ctrl-C on the terminal reaches the harness only. {@code sun.misc.Signal} (module
 * jdk.unsupported) is the JDK's only way to handle a signal without starting the JVM's shutdown.
 */
final class SignalStop implements Supplier<Optional<StopReason>> {
    private final AtomicReference<StopReason> received = new AtomicReference<>();
    private final Consumer<String> progress;
    private final Path dir;

    private SignalStop(Consumer<String> progress, Path dir) {
        this.progress = progress;
        this.dir = dir;
    }

    /** Handles SIGINT and SIGTERM from now on, for the run kept in {@code dir}. */
    static SignalStop install(Consumer<String> progress, Path dir) {
        SignalStop stop = new SignalStop(progress, dir);
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), stop::onSignal);
        }
        return stop;
    }

    private void onSignal(Signal signal) {
        StopReason reason = new StopReason("SIG" + signal.getName(), 128 + signal.getNumber());
        if (received.compareAndSet(null, reason)) {
            progress.accept(reason.name() + ": ending the run early - no new fault; healing, letting the clients "
                    + "catch up and checking the history (a second signal exits at once)");
        } else {
            progress.accept(reason.name() + " again: exiting now; the history in " + dir + " is cut short "
                    + "(chaos-tests/run --check " + dir + " checks what it holds)");
            Runtime.getRuntime().exit(reason.exitCode());
        }
    }

    /** The signal that asked the run to end, once one did. */
    @Override
    public Optional<StopReason> get() {
        return Optional.ofNullable(received.get());
    }
}
