package io.ftvm.chaos.nemesis;

import io.ftvm.chaos.cluster.FtdHost;
import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.replication.console.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Faults done to ftd processes with signals: SIGKILL and restart of a VM's primary or backup host, SIGSTOP pauses of
 * any host (short ones and ones past the ZooKeeper session timeout), and a slow backup (its host stopped most of the
 * time for a few seconds). Every pause ends with SIGCONT, also when the harness is interrupted.
 */
final class ProcessNemesis {
    private final NemesisContext ctx;
    private final HistoryWriter history;

    ProcessNemesis(NemesisContext ctx) {
        this.ctx = ctx;
        this.history = ctx.history();
    }

    /**
     * Kills the VM's primary host, waits for the VM's clients to receive output from another host (the takeover as
     * clients see it, bounded by 30 s), restarts the victim after 0.3-2 s; the takeover time in ms, if there was one.
     */
    OptionalLong killPrimary(String vm, VersionedState s) throws InterruptedException, IOException {
        return killPrimary(FaultKind.KILL_PRIMARY, vm, s);
    }

    /** {@link #killPrimary(String, VersionedState)}, recorded as {@code kind}. */
    OptionalLong killPrimary(FaultKind kind, String vm, VersionedState s) throws InterruptedException, IOException {
        FtdHost victim = ctx.cluster().host(s.state().primary());
        Endpoint console = new Endpoint(victim.advertiseAddress(), victim.consolePort());
        long t0 = System.nanoTime();
        victim.kill();
        history.append(HistoryEvent.fault(history.now(), kind.name(), victim.id(),
                "primary of " + vm + " (epoch " + s.state().epoch() + ")"));
        OptionalLong seen = ctx.arrivals().get(vm).awaitFromOther(t0, console, Duration.ofSeconds(30));
        OptionalLong ms = OptionalLong.empty();
        if (seen.isPresent()) {
            ms = OptionalLong.of((seen.getAsLong() - t0) / 1_000_000);
            history.append(HistoryEvent.takeover(history.now(), vm, victim.id(), ms.getAsLong()));
        } else {
            history.append(HistoryEvent.unavailable(history.now(), vm, "no output from another host within 30 s"
                    + " of killing its primary " + victim.id()));
        }
        Thread.sleep(ctx.millis(300, 2000));
        victim.start();
        history.append(HistoryEvent.heal(history.now(), kind.name(), victim.id(), "restarted"));
        return ms;
    }

    /** Kills the VM's backup host and restarts it after 0.5-3 s. */
    void killBackup(String vm, VersionedState s) throws InterruptedException, IOException {
        FtdHost victim = ctx.cluster().host(s.state().backup());
        victim.kill();
        history.append(HistoryEvent.fault(history.now(), FaultKind.KILL_BACKUP.name(), victim.id(),
                "backup of " + vm + " (epoch " + s.state().epoch() + ")"));
        Thread.sleep(ctx.millis(500, 3000));
        victim.start();
        history.append(HistoryEvent.heal(history.now(), FaultKind.KILL_BACKUP.name(), victim.id(), "restarted"));
    }

    /** Pauses a random live host for 0.2-2.5 s. */
    void pause() throws InterruptedException {
        List<FtdHost> live = ctx.cluster().hosts().stream().filter(FtdHost::alive).toList();
        FtdHost h = live.get(ctx.random().nextInt(live.size()));
        pauseFor(FaultKind.PAUSE, h, ctx.millis(200, 2500), "GC-pause stand-in");
    }

    /** Pauses the VM's primary or backup host for its session timeout plus 1-3 s. */
    void sessionExpiry(String vm, VersionedState s) throws InterruptedException {
        String target = ctx.random().nextBoolean() ? s.state().primary() : s.state().backup();
        FtdHost h = ctx.cluster().host(target);
        long ms = ctx.timeouts().session().toMillis() + ctx.millis(1000, 3000);
        pauseFor(FaultKind.SESSION_EXPIRY, h, ms, (target.equals(s.state().primary()) ? "primary" : "backup")
                + " of " + vm + " past its session timeout");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!ctx.cluster().registered(h.id()) && System.nanoTime() < deadline) {
            Thread.sleep(50); // registered again with a new session
        }
    }

    private void pauseFor(FaultKind kind, FtdHost h, long ms, String why) throws InterruptedException {
        h.pause();
        history.append(HistoryEvent.fault(history.now(), kind.name(), h.id(), ms + " ms, " + why));
        try {
            Thread.sleep(ms);
        } finally {
            h.resume();
            history.append(HistoryEvent.heal(history.now(), kind.name(), h.id(), "continued"));
        }
    }

    /** Stops the VM's backup host 40 ms of every 60 ms for 3-6 s: replay falls behind, the primary is throttled. */
    void slowBackup(String vm, VersionedState s) throws InterruptedException {
        FtdHost h = ctx.cluster().host(s.state().backup());
        long end = System.nanoTime() + ctx.millis(3000, 6000) * 1_000_000;
        history.append(HistoryEvent.fault(history.now(), FaultKind.SLOW_BACKUP.name(), h.id(), "backup of " + vm
                + " stopped 40 of every 60 ms"));
        try {
            while (System.nanoTime() < end && h.alive()) {
                h.pause();
                Thread.sleep(40);
                h.resume();
                Thread.sleep(20);
            }
        } finally {
            h.resume();
            history.append(HistoryEvent.heal(history.now(), FaultKind.SLOW_BACKUP.name(), h.id(), "full speed"));
        }
    }
}
