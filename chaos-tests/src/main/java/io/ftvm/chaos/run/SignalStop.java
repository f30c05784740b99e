package io.ftvm.chaos.run;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Turns the first SIGINT (Ctrl-C) or SIGTERM into a request to end a run early and gracefully: no new fault, every
 * fault healed, the clients given time to catch up, the history ended properly and checked, the summary printed. A
 * second signal exits at once (the run's reaper still kills every child process). Without this a signal would end the
 * JVM in the middle of the workload and leave a history that can only be checked as cut short.
 */
final class SignalStop implements BooleanSupplier {
    private final AtomicReference<String> received = new AtomicReference<>();
    private final Consumer<String> progress;

    private SignalStop(Consumer<String> progress) {
        this.progress = progress;
    }

    /** Handles SIGINT and SIGTERM from now on. */
    static SignalStop install(Consumer<String> progress) {
        SignalStop stop = new SignalStop(progress);
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), stop::onSignal);
        }
        return stop;
    }

    private void onSignal(Signal signal) {
        String name = "SIG" + signal.getName();
        if (received.compareAndSet(null, name)) {
            progress.accept(name + ": ending the run early - no new fault; healing, letting the clients catch up "
                    + "and checking the history (a second signal exits at once)");
        } else {
            progress.accept(name + " again: exiting now; the history will be cut short (chaos-tests/run --check DIR "
                    + "checks it)");
            Runtime.getRuntime().exit(128 + signal.getNumber());
        }
    }

    /** True once a signal asked the run to end. */
    @Override
    public boolean getAsBoolean() {
        return received.get() != null;
    }

    /** The signal that ended the run early, or null. */
    String signal() {
        return received.get();
    }
}
